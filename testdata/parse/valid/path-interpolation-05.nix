./hosts/${hostname}/hardware-${arch}.nix
