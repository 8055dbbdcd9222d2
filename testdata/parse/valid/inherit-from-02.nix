{ inherit (pkgs.lib) mkOption mkIf types; inherit (import ./x.nix) y; }
