# error: 4:7 formal 'a' repeated as the trailing @-name
# after: y
{
  x = { a, b }@a: a;
  y = 1;
}
