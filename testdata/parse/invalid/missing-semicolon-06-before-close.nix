# error: 7:3 missing ';' after the last binding before '}'
# after: outer
{
  inner = {
    a = 1;
    b = 2
  };
  outer = true;
}
