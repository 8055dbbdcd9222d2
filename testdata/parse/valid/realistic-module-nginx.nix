{ config, pkgs, lib, ... }:

let
  domain = "example.org";
  sites = {
    "www.${domain}" = { root = "/var/www/main"; };
    "blog.${domain}" = { proxy = "http://127.0.0.1:2368"; };
    "git.${domain}" = { proxy = "http://127.0.0.1:3000"; extraConfig = "client_max_body_size 512M;"; };
  };

  mkVhost = name: site: {
    enableACME = true;
    forceSSL = true;
    root = site.root or null;
    locations."/" = lib.mkIf (site ? proxy) {
      proxyPass = site.proxy;
      proxyWebsockets = true;
    };
    extraConfig = site.extraConfig or "";
  };
in
{
  security.acme = {
    acceptTerms = true;
    defaults.email = "admin@${domain}";
  };

  services.nginx = {
    enable = true;
    recommendedGzipSettings = true;
    recommendedOptimisation = true;
    recommendedProxySettings = true;
    recommendedTlsSettings = true;
    virtualHosts = lib.mapAttrs mkVhost sites // {
      ${domain} = {
        enableACME = true;
        forceSSL = true;
        globalRedirect = "www.${domain}";
      };
    };
    appendHttpConfig = ''
      map $http_upgrade $connection_upgrade {
        default upgrade;
        '''      close;
      }
      log_format main '$remote_addr - $remote_user [$time_local] "$request" $status';
    '';
  };

  networking.firewall.allowedTCPPorts = [ 80 443 ];
}
