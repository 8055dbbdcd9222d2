# error: 4:14 lambda pattern with '@' on both sides
# after: other
{
  f = a@{ b }@c: b;
  other = 1;
}
