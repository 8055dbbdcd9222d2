# error: 4:21 'if' without 'else'
# after: b c
{
  a = if cond then 1;
  b = 2;
  c = 3;
}
