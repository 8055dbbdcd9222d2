# error: 5:76 missing ')' around a parenthesized expression
# after: users.users.bob.isNormalUser system.stateVersion
{ lib, ... }:
{
  boot.kernelParams = lib.optionals (lib.versionAtLeast "1" "0" [ "quiet" ];
  users.users.bob.isNormalUser = true;
  system.stateVersion = "24.05";
}
