# error: 5:3 'a.b' defined in a nested set and again via an attrpath
# after: d
{
  a = { b = 1; c = 2; };
  a.b = 3;
  d = 4;
}
