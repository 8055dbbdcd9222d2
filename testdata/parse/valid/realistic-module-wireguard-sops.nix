{ config, lib, pkgs, ... }:

let
  peers = import ./peers.nix;
  wgPort = 51820;
in
{
  sops.defaultSopsFile = ../secrets/host.yaml;
  sops.secrets."wireguard/private-key" = {
    owner = "systemd-network";
    mode = "0400";
    restartUnits = [ "systemd-networkd.service" ];
  };

  systemd.network.netdevs."50-wg0" = {
    netdevConfig = {
      Kind = "wireguard";
      Name = "wg0";
      MTUBytes = "1420";
    };
    wireguardConfig = {
      PrivateKeyFile = config.sops.secrets."wireguard/private-key".path;
      ListenPort = wgPort;
    };
    wireguardPeers = lib.mapAttrsToList (name: peer: {
      wireguardPeerConfig = {
        PublicKey = peer.publicKey;
        AllowedIPs = peer.allowedIPs;
        Endpoint = lib.mkIf (peer ? endpoint) peer.endpoint;
        PersistentKeepalive = peer.keepalive or 25;
      };
    }) peers;
  };

  systemd.network.networks."50-wg0" = {
    matchConfig.Name = "wg0";
    address = [ "10.100.0.1/24" "fd00:100::1/64" ];
  };

  networking.firewall.allowedUDPPorts = [ wgPort ];
}
