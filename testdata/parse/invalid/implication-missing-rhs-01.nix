# error: 5:15 '->' with no right operand
# after: ok
{ a }:
{
  check = a ->;
  ok = true;
}
