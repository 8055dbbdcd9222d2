import ./default.nix { inherit pkgs; }
