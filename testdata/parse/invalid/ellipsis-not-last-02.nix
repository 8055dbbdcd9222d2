# error: 4:12 '...' followed by another formal in a nested lambda
# after: b
{
  f = { ..., a ? 1 }: a;
  b = 2;
}
