# error: 4:7 '${' used as an expression outside a string
# after: b
{
  a = ${x};
  b = 2;
}
