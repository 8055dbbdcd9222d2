# error: 6:14 chained '==' (non-associative)
# after: d e
{
  a = 1;
  b = 1;
  c = a == b == true;
  d = 4;
  e = 5;
}
