# error: 9:19 dynamic name in inherit-from inside a module
# after: enable settings
{ config, lib, ... }:
let
  which = "mkIf";
in
{
  config = {
    inherit (lib) ${which};
    enable = true;
    settings = { };
  };
}
