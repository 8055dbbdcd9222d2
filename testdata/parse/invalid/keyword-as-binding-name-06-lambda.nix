# error: 4:13 keyword 'assert' used as a lambda argument
# after: ok
{
  f = assert: 1;
  ok = true;
}
