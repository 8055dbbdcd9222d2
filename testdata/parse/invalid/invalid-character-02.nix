# error: 4:10 '$' outside a string
# after: path
{
  home = $HOME;
  path = "/bin";
}
