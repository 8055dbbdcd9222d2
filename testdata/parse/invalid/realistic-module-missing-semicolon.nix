# error: 19:30 missing ';' after services.nginx.enable in a NixOS module
# after: recommendedProxySettings virtualHosts."app.example.org" forceSSL enableACME locations."/".proxyPass security.acme.acceptTerms security.acme.defaults.email networking.firewall.allowedTCPPorts system.stateVersion
{ config, lib, pkgs, ... }:

let
  appPort = 3000;
in
{
  imports = [ ./hardware-configuration.nix ];

  boot.loader.grub.enable = true;
  boot.loader.grub.device = "/dev/sda";

  networking.hostName = "app01";
  time.timeZone = "UTC";

  services.nginx = {
    enable = true
    recommendedProxySettings = true;
    virtualHosts."app.example.org" = {
      forceSSL = true;
      enableACME = true;
      locations."/".proxyPass = "http://127.0.0.1:${toString appPort}";
    };
  };

  security.acme.acceptTerms = true;
  security.acme.defaults.email = "ops@example.org";

  networking.firewall.allowedTCPPorts = [ 80 443 ];
  system.stateVersion = "24.05";
}
