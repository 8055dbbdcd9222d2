# error: 3:14 '...' not last in the formals
# after: imports
{ config, ..., lib }:
{
  imports = [ ];
}
