~/.config/nixpkgs/config.nix
