# error: 6:5 'inherit (x) a' without ';'
# after: c
{ x }:
{
  inherit (x) a b
  c = 3;
}
