# error: 5:15 '||' directly after '&&'
# after: other
{ a, b }:
{
  both = a && || b;
  other = !a;
}
