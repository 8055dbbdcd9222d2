# error: 4:9 'in' without a preceding 'let'
# after: b
{
  a = x in x;
  b = 2;
}
