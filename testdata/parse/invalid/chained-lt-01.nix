# error: 5:21 chained '<' (non-associative)
# after: inRange2 label
{ low, x, high }:
{
  inRange = low < x < high;
  inRange2 = low < x && x < high;
  label = "range";
}
