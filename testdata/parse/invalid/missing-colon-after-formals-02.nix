# error: 4:16 missing ':' after the formals of a nested lambda
# after: b
{
  f = { x, y } x + y;
  b = 2;
}
