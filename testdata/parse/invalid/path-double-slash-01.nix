# error: 4:16 path with a doubled slash
# after: enable
{
  config = ./a//b.nix;
  enable = true;
}
