# error: 5:14 missing '=' between name and value
# after: enableIPv6 firewall enable allowedTCPPorts
{
  networking = {
    hostName "server";
    enableIPv6 = false;
    firewall = {
      enable = true;
      allowedTCPPorts = [ 22 80 443 ];
    };
  };
}
