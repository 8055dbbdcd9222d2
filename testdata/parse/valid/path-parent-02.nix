../../lib/default.nix
