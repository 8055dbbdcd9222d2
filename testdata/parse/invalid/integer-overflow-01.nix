# error: 4:9 integer literal does not fit in 64 bits
# after: small
{
  big = 99999999999999999999;
  small = 1;
}
