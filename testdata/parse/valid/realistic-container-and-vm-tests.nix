{ pkgs ? import <nixpkgs> { }, ... }:

let
  inherit (pkgs) lib;

  /** A minimal NixOS system used for both containers and VMs. */
  baseConfig = { modulesPath, ... }: {
    imports = [ "${modulesPath}/profiles/minimal.nix" ];
    boot.isContainer = false;
    services.getty.autologinUser = "root";
    documentation.enable = false;
    system.stateVersion = "24.05";
  };

  eval = modules: import "${pkgs.path}/nixos/lib/eval-config.nix" {
    inherit (pkgs) system;
    modules = [ baseConfig ] ++ modules;
  };

  variants = {
    plain = [ ];
    withNginx = [ { services.nginx.enable = true; } ];
    withPostgres = [ ({ pkgs, ... }: { services.postgresql = { enable = true; package = pkgs.postgresql_16; }; }) ];
  };
in
lib.mapAttrs (name: modules: (eval modules).config.system.build.vm) variants
