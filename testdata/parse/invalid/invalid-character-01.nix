# error: 4:6 non-ASCII letter in an identifier
# after: b
{
  café = 1;
  b = 2;
}
