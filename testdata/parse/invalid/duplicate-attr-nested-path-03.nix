# error: 5:3 attrpath 'a.b' conflicts with a plain value for 'a'
# after: c
{
  a.b = 1;
  a = 2;
  c = 3;
}
