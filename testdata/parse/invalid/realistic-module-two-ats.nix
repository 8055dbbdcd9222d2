# error: 3:26 module function with two @-names
# after: imports networking.hostName
args@{ config, lib, ... }@more:
{
  imports = [ ./base.nix ];
  networking.hostName = "x";
}
