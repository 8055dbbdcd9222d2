# Old-style release expression using legacy let, rec, and with.
{ nixpkgs ? <nixpkgs>, supportedSystems ? [ "x86_64-linux" "i686-linux" ] }:

let {
  pkgsFor = system: import nixpkgs { inherit system; };

  jobs = rec {
    tarball = (pkgsFor "x86_64-linux").releaseTools.sourceTarball {
      name = "myproject-tarball";
      src = ./.;
      versionSuffix = "pre${toString builtins.currentTime}";
    };

    build = builtins.listToAttrs (map (system: {
      name = system;
      value = with pkgsFor system; releaseTools.nixBuild {
        name = "myproject";
        src = tarball;
        buildInputs = [ perl ];
      };
    }) supportedSystems);
  };

  body = jobs;
}
