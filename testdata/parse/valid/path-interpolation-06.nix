/nix/store/${hash}-${name}
