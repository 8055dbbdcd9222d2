# error: 6:32 'if' without 'else' inside a NixOS module
# after: networking.firewall.enable system.stateVersion
{ config, lib, pkgs, ... }:
{
  boot.kernelPackages = if config.boot.zfs.enabled
    then pkgs.linuxPackages_6_6;
  networking.firewall.enable = true;
  system.stateVersion = "24.05";
}
