# error: 4:11 keyword 'let' inherited
# after: c
{
  inherit let;
  c = 3;
}
