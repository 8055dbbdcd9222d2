# error: 3:11 two commas in a row in the formals
# after: imports services.printing.enable
{ config, , pkgs, ... }:
{
  imports = [ ];
  services.printing.enable = true;
}
