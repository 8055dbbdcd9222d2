# error: 5:28 '${' inside a string is never closed
# after:
{
  name = "demo";
  greeting = "hello ${name";
  other = 1;
}
