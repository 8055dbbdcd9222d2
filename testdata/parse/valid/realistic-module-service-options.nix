{ config, lib, pkgs, ... }:

with lib;

let
  cfg = config.services.pastebin;

  settingsFormat = pkgs.formats.toml { };
  configFile = settingsFormat.generate "pastebin.toml" cfg.settings;
in
{
  options.services.pastebin = {
    enable = mkEnableOption "the pastebin service";

    package = mkPackageOption pkgs "pastebin" { };

    user = mkOption {
      type = types.str;
      default = "pastebin";
      description = "User account under which the service runs.";
    };

    group = mkOption {
      type = types.str;
      default = "pastebin";
      description = "Group under which the service runs.";
    };

    dataDir = mkOption {
      type = types.path;
      default = "/var/lib/pastebin";
      description = "Directory holding uploaded pastes.";
    };

    settings = mkOption {
      type = types.submodule {
        freeformType = settingsFormat.type;
        options = {
          listen = mkOption {
            type = types.str;
            default = "127.0.0.1:8088";
            description = "Address and port to listen on.";
          };
          max_size = mkOption {
            type = types.ints.positive;
            default = 1048576;
            description = "Maximum paste size in bytes.";
          };
          expiry_days = mkOption {
            type = types.nullOr types.ints.unsigned;
            default = null;
            example = 30;
            description = "Delete pastes older than this, or never when null.";
          };
        };
      };
      default = { };
      description = "Configuration written to {file}`pastebin.toml`.";
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Open the listen port in the firewall.";
    };
  };

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.settings.max_size <= 16 * 1024 * 1024;
        message = "services.pastebin.settings.max_size must be at most 16 MiB";
      }
    ];

    users.users = optionalAttrs (cfg.user == "pastebin") {
      pastebin = {
        isSystemUser = true;
        group = cfg.group;
        home = cfg.dataDir;
      };
    };
    users.groups = optionalAttrs (cfg.group == "pastebin") { pastebin = { }; };

    systemd.tmpfiles.rules = [ "d '${cfg.dataDir}' 0750 ${cfg.user} ${cfg.group} - -" ];

    systemd.services.pastebin = {
      description = "Pastebin";
      wantedBy = [ "multi-user.target" ];
      after = [ "network.target" ];
      serviceConfig = {
        ExecStart = "${cfg.package}/bin/pastebin --config ${configFile} --data ${cfg.dataDir}";
        User = cfg.user;
        Group = cfg.group;
        Restart = "on-failure";
        NoNewPrivileges = true;
        ProtectSystem = "strict";
        ReadWritePaths = [ cfg.dataDir ];
      };
    };

    networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall [
      (toInt (last (splitString ":" cfg.settings.listen)))
    ];
  };
}
