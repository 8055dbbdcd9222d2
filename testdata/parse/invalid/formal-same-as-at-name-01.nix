# error: 3:1 formal 'args' has the same name as the @-binding
# after: imports config
args@{ config, lib, args, ... }:
{
  imports = [ ];
  config = { };
}
