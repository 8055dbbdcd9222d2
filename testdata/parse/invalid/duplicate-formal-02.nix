# error: 4:19 duplicate formal argument with a default
# after: result
{
  f = { a ? 1, b, a ? 2 }: a + b;
  result = 3;
}
