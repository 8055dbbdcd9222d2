{ nixpkgs ? <nixpkgs>
, src ? { outPath = ./.; revCount = 0; shortRev = "abcdef0"; }
, officialRelease ? false
}:

let
  pkgs = import nixpkgs { };
  inherit (pkgs) lib;

  version = "1.0" + lib.optionalString (!officialRelease) "pre${toString src.revCount}_${src.shortRev}";

  systems = [ "x86_64-linux" "aarch64-linux" ];

  forSystems = f: lib.genAttrs systems (system: f (import nixpkgs { inherit system; }));

  jobs = {
    build = forSystems (p: p.callPackage ./package.nix { inherit version; });

    tests = forSystems (p: {
      unit = p.runCommand "unit-tests" { } ''
        ${jobs.build.${p.system}}/bin/run-tests > $out
      '';
    });

    release = pkgs.releaseTools.aggregate {
      name = "release-${version}";
      constituents = lib.concatMap (s: [ jobs.build.${s} jobs.tests.${s}.unit ]) systems;
      meta.description = "All jobs that must succeed for a release";
    };
  };
in
jobs
