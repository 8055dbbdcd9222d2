# error: 4:12 keyword 'with' used as a formal argument
# after: result
{
  f = { a, with ? 1 }: a;
  result = 1;
}
