# error: 4:25 stray '*'; the column counts bytes of the two-byte characters before it
# after: b
{
  a = "héllo wörld" + * 1;
  b = 2;
}
