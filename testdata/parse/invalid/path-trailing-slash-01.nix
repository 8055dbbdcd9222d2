# error: 4:15 path with a trailing slash
# after: modules enable
{
  src = ./src/;
  modules = [ ./a.nix ./b.nix ];
  enable = true;
}
