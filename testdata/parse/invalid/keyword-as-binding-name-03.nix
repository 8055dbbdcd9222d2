# error: 5:3 keyword 'rec' used as an attribute name
# after: b
{
  a = 1;
  rec = true;
  b = 2;
}
