# error: 4:14 inherit of a dotted attrpath
# after: b
{
  inherit lib.strings;
  b = 2;
}
