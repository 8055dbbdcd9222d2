# error: 4:7 '//' with nothing on its left
# after: x b
{
  a = // { x = 1; };
  b = 2;
}
