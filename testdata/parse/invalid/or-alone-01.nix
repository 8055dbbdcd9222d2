# error: 5:7 keyword 'or' used alone as a value
# after: c
{
  a = 1;
  b = or;
  c = 3;
}
