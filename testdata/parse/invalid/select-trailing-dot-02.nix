# error: 4:8 attrpath binding with a trailing dot
# after: b
{
  a.b. = 1;
  b = 2;
}
