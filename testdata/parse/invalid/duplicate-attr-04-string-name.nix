# error: 5:3 attribute 'a-b' defined twice, once quoted
# after: c
{
  a-b = 1;
  "a-b" = 2;
  c = 3;
}
