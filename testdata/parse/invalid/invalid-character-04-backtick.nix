# error: 4:7 backtick is not a token
# after: b
{
  a = `echo hi`;
  b = 2;
}
