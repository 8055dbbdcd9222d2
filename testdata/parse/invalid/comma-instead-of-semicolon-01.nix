# error: 4:8 comma used to separate attrset bindings
# after: c
{
  a = 1,
  b = 2;
  c = 3;
}
