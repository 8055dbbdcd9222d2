# error: 4:18 home path with a trailing slash
# after: b
{
  a = ~/projects/;
  b = 2;
}
