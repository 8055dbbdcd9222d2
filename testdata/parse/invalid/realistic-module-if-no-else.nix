# error: 16:64 'if' without 'else' inside a service definition
# after: wantedBy after serviceConfig ExecStart Restart DynamicUser StateDirectory environment.systemPackages
{ config, lib, pkgs, ... }:
let
  cfg = config.services.exporter;
in
{
  options.services.exporter.enable = lib.mkEnableOption "the exporter";
  options.services.exporter.port = lib.mkOption {
    type = lib.types.port;
    default = 9100;
  };

  config = lib.mkIf cfg.enable {
    systemd.services.exporter = {
      description = if cfg.port == 9100 then "default exporter";
      wantedBy = [ "multi-user.target" ];
      after = [ "network-online.target" ];
      serviceConfig = {
        ExecStart = "${pkgs.prometheus-node-exporter}/bin/node_exporter --web.listen-address=:${toString cfg.port}";
        Restart = "always";
        DynamicUser = true;
        StateDirectory = "exporter";
      };
    };
    environment.systemPackages = [ pkgs.prometheus-node-exporter ];
  };
}
