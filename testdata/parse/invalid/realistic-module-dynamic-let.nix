# error: 4:1 dynamic attribute in a let block of a module
# after: mkInstance name port options.services.multi.instances type default config
{ config, lib, ... }:
let
  names = [ "a" "b" "c" ];
  base = "instance";
  ${base} = "oops";
  mkInstance = n: { name = "${base}-${n}"; port = 8000; };
in
{
  options.services.multi.instances = lib.mkOption {
    type = lib.types.listOf lib.types.attrs;
    default = map mkInstance names;
  };
  config = { };
}
