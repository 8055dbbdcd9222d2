{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      supportedSystems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = nixpkgs.lib.genAttrs supportedSystems;
      nixpkgsFor = forAllSystems (system: import nixpkgs {
        inherit system;
        overlays = [ self.overlays.default ];
      });
    in
    {
      overlays.default = final: prev: {
        hello-custom = final.callPackage ./pkgs/hello-custom { };
        fortune-wrapped = final.writeShellScriptBin "fortune" ''
          exec ${prev.fortune}/bin/fortune -s "$@"
        '';
      };

      packages = forAllSystems (system: {
        inherit (nixpkgsFor.${system}) hello-custom fortune-wrapped;
        default = self.packages.${system}.hello-custom;
      });

      apps = forAllSystems (system: {
        default = {
          type = "app";
          program = "${self.packages.${system}.hello-custom}/bin/hello";
        };
      });

      hydraJobs = {
        inherit (self) packages;
      };
    };
}
