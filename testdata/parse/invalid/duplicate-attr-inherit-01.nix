# error: 6:3 'lib' inherited and then defined again
# after: pkgs
{ lib, pkgs }:
{
  inherit lib;
  lib = pkgs.lib;
  pkgs = pkgs;
}
