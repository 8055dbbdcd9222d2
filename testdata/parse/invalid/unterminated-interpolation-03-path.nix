# error: 4:38 '${' in a path is never closed
# after: enable
{
  imports = [ ./hosts/${hostName.nix ];
  enable = true;
}
