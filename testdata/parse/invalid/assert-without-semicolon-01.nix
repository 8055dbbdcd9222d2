# error: 7:2 'assert' without ';'
# after: name
{ lib, name }:
assert lib.isString name
{
  inherit name;
}
