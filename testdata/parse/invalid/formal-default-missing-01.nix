# error: 4:13 '?' in formals with no default value
# after: d
{
  f = { a ? , b }: a;
  d = 1;
}
