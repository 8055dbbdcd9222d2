# \u is not a unicode escape in Nix; it yields a plain u
"\u00e9"
