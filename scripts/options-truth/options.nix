# The options that lib.evalModules and lib.optionAttrSetToDocList report for
# a list of modules, as JSON (with --eval --strict --json): the truth that
# `microvm-lsp options` is measured against. It fetches nothing: nixpkgs' lib
# comes from libDir (a checkout of nixpkgs or of nixpkgs.lib), and pkgs is a
# stub that holds only what module structure reads.
{
  libDir,
  # Files of modules, or (with hmDir) home-manager's modules/modules.nix.
  modules,
  # A home-manager checkout: its lib extension is added and `modules` is
  # called as home-manager calls modules.nix.
  hmDir ? null,
  # What pkgs.path is: a directory with nixpkgs' lib/ and stubs of the few
  # NixOS modules that home-manager imports (truth.sh makes it).
  nixpkgsDir ? ./stub-nixpkgs,
}:
let
  lib0 = import (libDir + "/lib");
  lib = if hmDir == null then lib0 else import (hmDir + "/modules/lib/stdlib-extended.nix") lib0;
  formatStub = _: {
    type = with lib.types; attrsOf (attrsOf (attrsOf anything));
    generate = name: _: builtins.toFile name "";
    lib = {
      types = lib.genAttrs [ "atom" "value" "listOrAtom" "attrsOfAtom" ] (_: lib.types.anything);
      mkRaw = x: x;
      mkLuaInline = x: x;
    };
  };
  pkgs = {
    inherit lib;
    path = nixpkgsDir;
    system = "x86_64-linux";
    stdenv = {
      isLinux = true;
      isDarwin = false;
      hostPlatform = {
        isLinux = true;
        isDarwin = false;
        isx86_64 = true;
        isAarch64 = false;
        system = "x86_64-linux";
      };
      buildPlatform = pkgs.stdenv.hostPlatform;
    };
    formats = lib.genAttrs [
      "json"
      "yaml"
      "yaml_1_1"
      "yaml_1_2"
      "toml"
      "ini"
      "iniWithGlobalSection"
      "keyValue"
      "gitIni"
      "elixirConf"
      "lua"
      "xml"
      "pythonVars"
      "php"
      "javaProperties"
      "systemd"
      "libconfig"
      "hocon"
      "cdn"
      "nixConf"
      "plist"
      "kdl"
    ] (_: formatStub);
  };
  mods =
    if hmDir == null then
      modules
    else
      import (builtins.head modules) {
        inherit pkgs lib;
        check = false;
      };
  eval = lib.evalModules {
    modules = mods ++ [ { _module.check = false; } ];
    specialArgs = {
      inherit pkgs;
      modulesPath = ./stub-nixpkgs/nixos/modules;
    };
  };
  docs = lib.optionAttrSetToDocList eval.options;
  attempt =
    x:
    let
      r = builtins.tryEval x;
    in
    if r.success then r.value else null;
in
map (o: {
  inherit (o) name;
  visible = attempt o.visible;
  internal = attempt o.internal;
  readOnly = attempt o.readOnly;
  type = attempt o.type;
}) (builtins.filter (o: !(lib.hasPrefix "_module." o.name)) docs)
