# error: 7:30 'version' inherited twice
# after: src
{ version, src }:
{
  inherit version;
  pname = "x";
  inherit (import ./meta.nix) version;
  inherit src;
}
