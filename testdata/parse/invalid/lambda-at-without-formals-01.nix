# error: 4:9 '@' between two plain names instead of a formals set
# after: y
{
  f = a@b: a;
  y = 2;
}
