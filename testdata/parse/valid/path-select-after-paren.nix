(import ./attrs.nix).foo
