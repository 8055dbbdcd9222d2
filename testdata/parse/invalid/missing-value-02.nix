# error: 4:10 lambda with no body
# after: g
{
  f = x: ;
  g = 2;
}
