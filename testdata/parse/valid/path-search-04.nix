<nixos-hardware/lenovo/thinkpad/x1.nix>
