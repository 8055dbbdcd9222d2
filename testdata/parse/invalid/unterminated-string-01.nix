# error: 6:18 string not terminated; the rest of the file is swallowed
# after:
{
  a = 1;
  b = 2;
  description = "This string never ends;
  c = 3;
  d = 4;
}
