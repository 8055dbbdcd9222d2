# error: 5:11 dynamic attribute in inherit
# after: b
{
  name = "a";
  inherit ${name};
  b = 2;
}
