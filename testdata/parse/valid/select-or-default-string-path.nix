pkgs."hello-world".meta or { }
