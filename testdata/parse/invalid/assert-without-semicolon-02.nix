# error: 5:5 'assert' without ';' in a binding
# after: b
{
  a = assert true 1;
  b = 2;
}
