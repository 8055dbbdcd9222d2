# error: 4:8 '!' with nothing after it
# after: b
{
  a = !;
  b = 2;
}
