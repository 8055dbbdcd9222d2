{ system ? builtins.currentSystem
, sources ? import ./nix/sources.nix
, pkgs ? import sources.nixpkgs { inherit system; config = { }; overlays = [ ]; }
}:

let
  inherit (pkgs) lib;
  version = lib.fileContents ./VERSION;
  src = lib.cleanSourceWith {
    src = ./.;
    filter = path: type:
      let base = baseNameOf (toString path); in
      !(type == "directory" && (base == ".git" || base == "result" || base == "node_modules"))
      && !(lib.hasSuffix ".swp" base);
  };
in
rec {
  cli = pkgs.callPackage ./nix/cli.nix { inherit version src; };
  docs = pkgs.runCommand "docs-${version}" { } ''
    mkdir $out
    ${cli}/bin/cli --help > $out/help.txt
  '';
  tests = import ./nix/tests.nix { inherit pkgs cli; };
  all = pkgs.linkFarmFromDrvs "all" [ cli docs ];
}
