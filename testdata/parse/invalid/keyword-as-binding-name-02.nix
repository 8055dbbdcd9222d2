# error: 5:3 keyword 'then' used as an attribute name
# after: else'
{
  cond = true;
  then = 1;
  else' = 2;
}
