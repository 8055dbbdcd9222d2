# error: 6:5 missing ';' after a list value
# after: c d e
{
  a = 1;
  b = [ 1 2 3 ]
  c = 3;
  d = "four";
  e = { };
}
