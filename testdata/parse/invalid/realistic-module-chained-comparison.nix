# error: 15:35 chained comparison 0 < cfg.workers <= 64
# after: message warnings systemd.services.worker serviceConfig ExecStart Environment
{ config, lib, pkgs, ... }:
let
  cfg = config.services.worker;
in
{
  options.services.worker.workers = lib.mkOption {
    type = lib.types.int;
    default = 4;
  };

  config = {
    assertions = [ {
      assertion = 0 < cfg.workers <= 64;
      message = "services.worker.workers must be between 1 and 64";
    } ];

    warnings = lib.optional (cfg.workers > 32) "many workers";

    systemd.services.worker = {
      serviceConfig = {
        ExecStart = "${pkgs.coreutils}/bin/true";
        Environment = [ "WORKERS=${toString cfg.workers}" ];
      };
    };
  };
}
