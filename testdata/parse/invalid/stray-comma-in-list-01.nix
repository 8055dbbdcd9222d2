# error: 5:27 comma between list elements
# after: allowedUDPPorts
{
  networking.firewall = {
    allowedTCPPorts = [ 22, 80, 443 ];
    allowedUDPPorts = [ 53 ];
  };
}
