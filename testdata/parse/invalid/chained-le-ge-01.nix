# error: 4:18 chained '<=' and '>=' (non-associative)
# after: ok
{
  check = 1 <= 2 >= 0;
  ok = true;
}
