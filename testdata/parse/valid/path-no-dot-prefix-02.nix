foo-bar/baz_qux/v1.2+3.nix
