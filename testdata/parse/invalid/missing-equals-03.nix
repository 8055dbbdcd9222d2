# error: 5:12 missing '=' before a nested set
# after: port host enable
{
  a = 1;
  settings {
    port = 8080;
    host = "localhost";
  };
  enable = true;
}
