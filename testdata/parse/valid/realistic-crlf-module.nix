# A small module saved with Windows line endings.
{ config, lib, pkgs, ... }:
{
  services.openssh = {
    enable = true;
    ports = [ 22 2222 ];
  };
  environment.etc."motd".text = ''
    Hello from a CRLF file.
      Indented line.
  '';
  users.users.guest = {
    isNormalUser = true;
    description = "Guest \"user\"";
  };
}
