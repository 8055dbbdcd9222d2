# error: 5:9 doubled ';' after a binding
# after: c d
{
  a = 1;
  b = 2;;
  c = 3;
  d = 4;
}
