{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption mkIf types concatMapStringsSep escapeShellArg;
  cfg = config.services.pgBackup;

  backupScript = pkgs.writeShellScript "pg-backup" ''
    set -euo pipefail
    umask 0077
    stamp=$(date +%Y%m%d-%H%M%S)
    mkdir -p ${escapeShellArg cfg.location}
    ${concatMapStringsSep "\n" (db: ''
      ${config.services.postgresql.package}/bin/pg_dump -Fc ${escapeShellArg db} \
        > ${escapeShellArg cfg.location}/${db}-"$stamp".dump
    '') cfg.databases}
    find ${escapeShellArg cfg.location} -name '*.dump' -mtime +${toString cfg.keepDays} -delete
  '';
in
{
  options.services.pgBackup = {
    enable = lib.mkEnableOption "periodic PostgreSQL dumps";
    databases = mkOption {
      type = types.listOf types.str;
      default = [ ];
    };
    location = mkOption {
      type = types.str;
      default = "/var/backup/postgresql";
    };
    keepDays = mkOption {
      type = types.int;
      default = 14;
    };
    calendar = mkOption {
      type = types.str;
      default = "*-*-* 03:15:00";
    };
  };

  config = mkIf cfg.enable {
    systemd.services.pg-backup = {
      description = "Dump PostgreSQL databases";
      requires = [ "postgresql.service" ];
      after = [ "postgresql.service" ];
      serviceConfig = {
        Type = "oneshot";
        User = "postgres";
        ExecStart = backupScript;
      };
    };

    systemd.timers.pg-backup = {
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnCalendar = cfg.calendar;
        Persistent = true;
        RandomizedDelaySec = "15m";
      };
    };
  };
}
