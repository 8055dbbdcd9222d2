# error: 4:11 'rec' followed by a list instead of an attrset
# after: b
{
  a = rec [ 1 2 ];
  b = 2;
}
