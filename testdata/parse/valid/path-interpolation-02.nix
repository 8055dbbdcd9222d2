./${x}.nix
