import ./module.nix { inherit config lib pkgs; extra = true; }
