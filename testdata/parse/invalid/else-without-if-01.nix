# error: 4:9 'else' without 'if'
# after: y
{
  x = 1 else 2;
  y = 3;
}
