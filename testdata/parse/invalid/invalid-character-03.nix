# error: 4:10 '%' is not an operator
# after: b
{
  a = 10 % 3;
  b = 2;
}
