# error: 5:15 '?' with no attribute path
# after: ok
{ a }:
{
  check = a ? ;
  ok = true;
}
