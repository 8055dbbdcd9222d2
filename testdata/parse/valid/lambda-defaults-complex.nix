{ pkgs ? import <nixpkgs> { }, lib ? pkgs.lib, name ? "default-${lib.version}" }: name
