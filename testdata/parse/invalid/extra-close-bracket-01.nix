# error: 5:13 extra ']' after a list
# after: c
{
  a = [ 1 2 ];
  b = [ 3 ] ];
  c = 4;
}
