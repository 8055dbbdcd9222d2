{
  services.nginx.enable = true;
  services.nginx.virtualHosts."example.org".root = "/var/www";
  services.openssh.enable = true;
  services.openssh.settings.PasswordAuthentication = false;
}
