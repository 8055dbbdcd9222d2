# error: 4:1 missing ':' after the formals of a module
# after: imports services.openssh.enable
{ config, lib, pkgs, ... }
{
  imports = [ ./hardware.nix ];
  services.openssh.enable = true;
}
