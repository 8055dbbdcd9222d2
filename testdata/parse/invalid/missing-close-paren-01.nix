# error: 4:39 missing ')' after a function call argument
# after: b c
{
  a = builtins.map (x: x + 1 [ 1 2 3 ];
  b = 2;
  c = 3;
}
