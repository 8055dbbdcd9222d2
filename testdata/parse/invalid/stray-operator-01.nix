# error: 4:11 stray '*' after '+'
# after: y z
{
  x = a + * b;
  y = 2;
  z = 3;
}
