# A large NixOS module for a small home router, written for the parser corpus.
# It exercises options, submodules, mkIf/mkMerge, indented strings with
# interpolation, escapes such as ''${ and ''', and many nested attrpaths.
{ config, lib, pkgs, utils, ... }:

let
  inherit (lib)
    mkOption mkEnableOption mkIf mkMerge mkDefault mkForce types
    concatStringsSep concatMapStringsSep mapAttrsToList filterAttrs
    optional optionals optionalString attrValues attrNames length;

  cfg = config.services.homeRouter;

  /** Render one nftables set element per line. */
  renderSet = elems: concatMapStringsSep ",\n      " toString elems;

  /** All LAN-side interfaces, bridge first. */
  lanInterfaces = [ cfg.lan.bridge ] ++ cfg.lan.members;

  enabledNetworks = filterAttrs (_: n: n.enable) cfg.vlans;

  vlanOpts = { name, config, ... }: {
    options = {
      enable = mkEnableOption "this VLAN" // { default = true; };
      id = mkOption {
        type = types.ints.between 1 4094;
        description = "802.1Q VLAN id.";
      };
      subnet = mkOption {
        type = types.str;
        example = "10.20.0";
        description = "First three octets of the /24 network.";
      };
      isolated = mkOption {
        type = types.bool;
        default = false;
        description = "Forbid traffic to other VLANs.";
      };
      interface = mkOption {
        type = types.str;
        default = "vlan-${name}";
        readOnly = true;
      };
      dhcpRange = mkOption {
        type = types.submodule {
          options = {
            start = mkOption { type = types.ints.u8; default = 100; };
            end = mkOption { type = types.ints.u8; default = 200; };
            leaseTime = mkOption { type = types.str; default = "12h"; };
          };
        };
        default = { };
      };
    };
  };

  peerOpts = { name, ... }: {
    options = {
      publicKey = mkOption {
        type = types.str;
        description = "WireGuard public key of ${name}.";
      };
      address = mkOption {
        type = types.str;
        description = "Tunnel address of the peer, without prefix length.";
      };
      persistentKeepalive = mkOption {
        type = types.nullOr types.int;
        default = 25;
      };
    };
  };

  forwardOpts = {
    options = {
      proto = mkOption {
        type = types.enum [ "tcp" "udp" ];
        default = "tcp";
      };
      port = mkOption { type = types.port; };
      to = mkOption {
        type = types.str;
        description = "Destination address:port.";
      };
    };
  };

  nftRules = ''
    table inet filter {
      set lan_ifaces {
        type ifname
        elements = { ${concatMapStringsSep ", " (i: ''"${i}"'') lanInterfaces} }
      }

      set blocked_v4 {
        type ipv4_addr
        flags interval
        ${optionalString (cfg.firewall.blocklist != [ ]) ''
        elements = {
          ${renderSet cfg.firewall.blocklist}
        }
        ''}
      }

      chain input {
        type filter hook input priority 0; policy drop;
        ct state { established, related } accept
        ct state invalid drop
        iifname lo accept
        iifname @lan_ifaces accept
        ip saddr @blocked_v4 drop
        meta l4proto ipv6-icmp accept
        ip protocol icmp icmp type { echo-request, destination-unreachable, time-exceeded } accept
        ${optionalString cfg.wireguard.enable "udp dport ${toString cfg.wireguard.port} accept"}
        ${concatMapStringsSep "\n    " (p: "tcp dport ${toString p} accept") cfg.firewall.openTCP}
        counter drop
      }

      chain forward {
        type filter hook forward priority 0; policy drop;
        ct state { established, related } accept
        iifname @lan_ifaces oifname "${cfg.wan.interface}" accept
        ${concatStringsSep "\n    " (mapAttrsToList (name: v:
          if v.isolated
          then ''iifname "${v.interface}" oifname != "${cfg.wan.interface}" drop''
          else ''iifname "${v.interface}" accept'') enabledNetworks)}
        ${concatMapStringsSep "\n    " (f: ''${f.proto} dport ${toString f.port} ct status dnat accept'') cfg.forwards}
      }
    }

    table ip nat {
      chain prerouting {
        type nat hook prerouting priority -100;
        ${concatMapStringsSep "\n    " (f:
          ''iifname "${cfg.wan.interface}" ${f.proto} dport ${toString f.port} dnat to ${f.to}'') cfg.forwards}
      }
      chain postrouting {
        type nat hook postrouting priority 100;
        oifname "${cfg.wan.interface}" masquerade
      }
    }
  '';

  dnsmasqConf = ''
    domain-needed
    bogus-priv
    no-resolv
    ${concatMapStringsSep "\n" (s: "server=${s}") cfg.dns.upstream}
    local=/${cfg.dns.domain}/
    domain=${cfg.dns.domain}
    expand-hosts
    dhcp-authoritative
    dhcp-range=${cfg.lan.bridge},${cfg.lan.subnet}.${toString cfg.lan.dhcpStart},${cfg.lan.subnet}.${toString cfg.lan.dhcpEnd},24h
    ${concatStringsSep "\n" (mapAttrsToList (name: v:
      "dhcp-range=${v.interface},${v.subnet}.${toString v.dhcpRange.start},${v.subnet}.${toString v.dhcpRange.end},${v.dhcpRange.leaseTime}")
      enabledNetworks)}
    ${concatStringsSep "\n" (mapAttrsToList (host: ip: "address=/${host}.${cfg.dns.domain}/${ip}") cfg.dns.staticHosts)}
    # literal shell-ish text that must survive: ''${NOT_INTERPOLATED} and '''quoted'''
  '';
in
{
  options.services.homeRouter = {
    enable = mkEnableOption "the home router profile";

    wan = {
      interface = mkOption {
        type = types.str;
        example = "enp1s0";
        description = "Upstream interface.";
      };
      useDHCP = mkOption {
        type = types.bool;
        default = true;
      };
    };

    lan = {
      bridge = mkOption {
        type = types.str;
        default = "br-lan";
      };
      members = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "enp2s0" "enp3s0" ];
      };
      subnet = mkOption {
        type = types.str;
        default = "192.168.1";
      };
      dhcpStart = mkOption { type = types.ints.u8; default = 50; };
      dhcpEnd = mkOption { type = types.ints.u8; default = 250; };
    };

    vlans = mkOption {
      type = types.attrsOf (types.submodule vlanOpts);
      default = { };
      example = lib.literalExpression ''
        {
          iot = { id = 20; subnet = "10.20.0"; isolated = true; };
          guest = { id = 30; subnet = "10.30.0"; isolated = true; };
        }
      '';
    };

    dns = {
      domain = mkOption {
        type = types.str;
        default = "home.arpa";
      };
      upstream = mkOption {
        type = types.listOf types.str;
        default = [ "9.9.9.9" "149.112.112.112" ];
      };
      staticHosts = mkOption {
        type = types.attrsOf types.str;
        default = { };
        example = { nas = "192.168.1.10"; printer = "192.168.1.11"; };
      };
    };

    firewall = {
      openTCP = mkOption {
        type = types.listOf types.port;
        default = [ 22 ];
      };
      blocklist = mkOption {
        type = types.listOf types.str;
        default = [ ];
      };
    };

    forwards = mkOption {
      type = types.listOf (types.submodule forwardOpts);
      default = [ ];
    };

    wireguard = {
      enable = mkEnableOption "a WireGuard road-warrior endpoint";
      port = mkOption {
        type = types.port;
        default = 51820;
      };
      privateKeyFile = mkOption {
        type = types.path;
        default = "/var/lib/wireguard/private.key";
      };
      subnet = mkOption {
        type = types.str;
        default = "10.99.0";
      };
      peers = mkOption {
        type = types.attrsOf (types.submodule peerOpts);
        default = { };
      };
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      assertions = [
        {
          assertion = cfg.lan.dhcpStart < cfg.lan.dhcpEnd;
          message = "homeRouter: lan.dhcpStart must be below lan.dhcpEnd";
        }
        {
          assertion = length (attrNames enabledNetworks)
            == length (lib.unique (map (v: v.id) (attrValues enabledNetworks)));
          message = "homeRouter: VLAN ids must be unique";
        }
      ];

      boot.kernel.sysctl = {
        "net.ipv4.conf.all.forwarding" = mkForce true;
        "net.ipv6.conf.all.forwarding" = mkForce true;
        "net.ipv4.conf.default.rp_filter" = 1;
      };

      networking.useNetworkd = true;
      networking.useDHCP = false;
      networking.firewall.enable = false;
      networking.nftables = {
        enable = true;
        ruleset = nftRules;
      };

      systemd.network.netdevs = {
        "10-${cfg.lan.bridge}".netdevConfig = {
          Kind = "bridge";
          Name = cfg.lan.bridge;
        };
      } // lib.mapAttrs' (name: v: lib.nameValuePair "20-${v.interface}" {
        netdevConfig = {
          Kind = "vlan";
          Name = v.interface;
        };
        vlanConfig.Id = v.id;
      }) enabledNetworks;

      systemd.network.networks = {
        "05-wan" = {
          matchConfig.Name = cfg.wan.interface;
          networkConfig = {
            DHCP = if cfg.wan.useDHCP then "yes" else "no";
            IPv6AcceptRA = true;
          };
          dhcpV4Config.UseDNS = false;
          linkConfig.RequiredForOnline = "routable";
        };
        "10-${cfg.lan.bridge}" = {
          matchConfig.Name = cfg.lan.bridge;
          address = [ "${cfg.lan.subnet}.1/24" ];
          vlan = mapAttrsToList (_: v: v.interface) enabledNetworks;
          networkConfig.ConfigureWithoutCarrier = true;
        };
      } // lib.listToAttrs (map (m: {
        name = "15-${m}";
        value = {
          matchConfig.Name = m;
          networkConfig.Bridge = cfg.lan.bridge;
        };
      }) cfg.lan.members) // lib.mapAttrs' (name: v: lib.nameValuePair "20-${v.interface}" {
        matchConfig.Name = v.interface;
        address = [ "${v.subnet}.1/24" ];
      }) enabledNetworks;

      services.dnsmasq = {
        enable = true;
        resolveLocalQueries = true;
        settings = { conf-file = "${pkgs.writeText "dnsmasq-router.conf" dnsmasqConf}"; };
      };

      services.openssh = {
        enable = mkDefault true;
        openFirewall = false;
        settings = {
          PasswordAuthentication = false;
          KbdInteractiveAuthentication = false;
        };
      };
    }

    (mkIf cfg.wireguard.enable {
      networking.wireguard.interfaces.wg0 = {
        ips = [ "${cfg.wireguard.subnet}.1/24" ];
        listenPort = cfg.wireguard.port;
        inherit (cfg.wireguard) privateKeyFile;
        peers = mapAttrsToList (name: p: {
          name = name;
          inherit (p) publicKey persistentKeepalive;
          allowedIPs = [ "${p.address}/32" ];
        }) cfg.wireguard.peers;
      };

      services.homeRouter.dns.staticHosts = lib.mapAttrs' (name: p:
        lib.nameValuePair "${name}.vpn" p.address) cfg.wireguard.peers;

      systemd.services.wireguard-wg0.serviceConfig.LoadCredential = [
        "key:${cfg.wireguard.privateKeyFile}"
      ];
    })

    (mkIf (cfg.forwards != [ ]) {
      warnings = optional (lib.any (f: f.port == 22) cfg.forwards)
        "homeRouter: forwarding port 22 from the WAN side";
    })

    {
      environment.systemPackages = with pkgs; [
        tcpdump
        ethtool
        nftables
        iperf3
        (writeShellScriptBin "router-status" ''
          echo "== links =="
          ${pkgs.iproute2}/bin/ip -br link
          echo "== leases =="
          cat /var/lib/dnsmasq/dnsmasq.leases 2>/dev/null || echo "(none)"
          echo "== vlans: ${toString (length (attrNames enabledNetworks))} =="
          ${optionalString cfg.wireguard.enable ''
            echo "== wireguard =="
            ${pkgs.wireguard-tools}/bin/wg show wg0
          ''}
        '')
      ];

      services.journald.extraConfig = ''
        SystemMaxUse=256M
        MaxRetentionSec=1month
      '';
    }
  ]);
}
