let
  cfg.enable = true;
  cfg.port = 8080;
in cfg
