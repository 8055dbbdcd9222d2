# error: 7:3 attribute path 'services.nginx.enable' defined twice
# after: services.nginx.user networking.hostName
{
  services.nginx.enable = true;
  services.nginx.group = "www";
  services.openssh.enable = true;
  services.nginx.enable = false;
  services.nginx.user = "www";
  networking.hostName = "web";
}
