# error: 8:1 extra '}' at the end of the file
# after:
{ config, ... }:
{
  services.openssh.enable = true;
  networking.firewall.enable = true;
}
}
