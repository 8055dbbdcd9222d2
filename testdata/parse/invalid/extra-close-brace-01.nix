# error: 7:7 extra '}' after a nested set
# after: c d
{
  a = 1;
  b = {
    x = 1;
  }; };
  c = 2;
  d = 3;
}
