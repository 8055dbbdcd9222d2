# error: 6:5 missing ';' in a file with CRLF line endings
# after: c d
{
  a = 1;
  b = 2
  c = 3;
  d = 4;
}
