# error: 4:14 interpolated name in lambda formals
# after: b
{
  f = { ${a} }: 1;
  b = 2;
}
