import <nixpkgs/nixos> { configuration = ./configuration.nix; }
