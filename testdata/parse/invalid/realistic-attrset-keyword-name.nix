# error: 9:3 keyword 'assert' used as an attribute name among ten bindings
# after: lint format test deploy
{
  build = "make";
  clean = "make clean";
  install = "make install";
  check = "make check";
  bench = "make bench";
  assert = "make assert";
  lint = "make lint";
  format = "make fmt";
  test = "make test";
  deploy = "make deploy";
}
