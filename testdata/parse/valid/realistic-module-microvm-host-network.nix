{ config, lib, ... }:
let
  bridge = "br-vms";
  subnet = "192.168.83";
  guests = {
    router = { index = 2; mac = "02:00:00:53:00:02"; };
    web = { index = 3; mac = "02:00:00:53:00:03"; };
    ci = { index = 4; mac = "02:00:00:53:00:04"; };
  };
in
{
  networking.nat = {
    enable = true;
    internalInterfaces = [ bridge ];
    externalInterface = "enp1s0";
    forwardPorts = [
      { sourcePort = 8080; proto = "tcp"; destination = "${subnet}.${toString guests.web.index}:80"; }
      { sourcePort = 2222; proto = "tcp"; destination = "${subnet}.${toString guests.ci.index}:22"; }
    ];
  };

  systemd.network = {
    netdevs."20-${bridge}".netdevConfig = {
      Kind = "bridge";
      Name = bridge;
    };
    networks."20-${bridge}" = {
      matchConfig.Name = bridge;
      networkConfig = {
        Address = "${subnet}.1/24";
        DHCPServer = true;
        IPv6SendRA = true;
      };
      dhcpServerStaticLeases = lib.mapAttrsToList (name: g: {
        dhcpServerStaticLeaseConfig = {
          MACAddress = g.mac;
          Address = "${subnet}.${toString g.index}";
        };
      }) guests;
    };
    networks."21-vm-taps" = {
      matchConfig.Name = "vm-*";
      networkConfig.Bridge = bridge;
    };
  };

  microvm.autostart = builtins.attrNames guests;

  networking.firewall.interfaces.${bridge}.allowedUDPPorts = [ 53 67 ];
}
