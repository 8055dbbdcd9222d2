{ config, lib, pkgs, ... }:

let
  cfg = config.my.guest;
  hostAddress = "10.0.0.1";
in
{
  options.my.guest = {
    index = lib.mkOption {
      type = lib.types.ints.between 2 254;
      description = "Last octet of the guest address.";
    };
    openPorts = lib.mkOption {
      type = lib.types.listOf lib.types.port;
      default = [ ];
      description = "TCP ports to open in the guest firewall.";
    };
  };

  config = {
    microvm = {
      hypervisor = "cloud-hypervisor";
      vcpu = lib.mkDefault 2;
      mem = lib.mkDefault 768;
      interfaces = [ {
        type = "tap";
        id = "vm-${config.networking.hostName}";
        mac = "02:00:00:00:00:${lib.fixedWidthString 2 "0" (lib.toHexString cfg.index)}";
      } ];
      shares = [
        {
          source = "/nix/store";
          mountPoint = "/nix/.ro-store";
          tag = "ro-store";
          proto = "virtiofs";
        }
        {
          source = "/var/lib/microvms/${config.networking.hostName}/journal";
          mountPoint = "/var/log/journal";
          tag = "journal";
          proto = "virtiofs";
          socket = "journal.sock";
        }
      ];
      writableStoreOverlay = "/nix/.rw-store";
    };

    systemd.network = {
      enable = true;
      networks."20-lan" = {
        matchConfig.Type = "ether";
        networkConfig = {
          Address = [ "10.0.0.${toString cfg.index}/24" ];
          Gateway = hostAddress;
          DNS = [ hostAddress ];
          DHCP = "no";
        };
      };
    };

    networking.useNetworkd = true;
    networking.firewall.allowedTCPPorts = cfg.openPorts;

    services.openssh = {
      enable = true;
      settings.PermitRootLogin = "prohibit-password";
    };

    users.users.root.openssh.authorizedKeys.keys = [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnlyForTests admin@host"
    ];

    environment.systemPackages = with pkgs; [ htop curl iproute2 ];
    system.stateVersion = "24.05";
  };
}
