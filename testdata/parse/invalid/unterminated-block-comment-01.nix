# error: 5:10 block comment not terminated
# after:
{
  a = 1;
  b = 2; /* forgot to close this comment
  c = 3;
  d = 4;
}
