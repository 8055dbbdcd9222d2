# error: 4:23 'let' without 'in'
# after: b
{
  value = let a = 1; a;
  b = 2;
}
