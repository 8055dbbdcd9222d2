# error: 13:2 missing '}' closing the services.nginx set; the error is reported at end of file
# after: services.postgresql.enable system.stateVersion
{ config, pkgs, ... }:
{
  services.nginx = {
    enable = true;
    virtualHosts."example.org" = {
      root = "/var/www";
    };

  services.postgresql.enable = true;
  system.stateVersion = "24.05";
}
