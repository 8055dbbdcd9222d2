{
  description = "Infrastructure for three machines";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
    nixpkgs-unstable.url = "github:NixOS/nixpkgs/nixos-unstable";
    home-manager = {
      url = "github:nix-community/home-manager/release-24.05";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    microvm.url = "github:astro/microvm.nix";
    microvm.inputs.nixpkgs.follows = "nixpkgs";
    sops-nix.url = "github:Mic92/sops-nix";
  };

  outputs = { self, nixpkgs, nixpkgs-unstable, home-manager, microvm, sops-nix, ... }@inputs:
    let
      inherit (nixpkgs) lib;

      overlay-unstable = final: prev: {
        unstable = import nixpkgs-unstable {
          inherit (final) system;
          config.allowUnfree = true;
        };
      };

      commonModules = [
        ({ ... }: { nixpkgs.overlays = [ overlay-unstable ]; })
        sops-nix.nixosModules.sops
        home-manager.nixosModules.home-manager
        ./modules/common.nix
      ];

      mkHost = { name, system ? "x86_64-linux", extraModules ? [ ] }:
        lib.nixosSystem {
          inherit system;
          specialArgs = { inherit inputs self; };
          modules = commonModules ++ [
            ./hosts/${name}/configuration.nix
            { networking.hostName = name; }
          ] ++ extraModules;
        };
    in
    {
      nixosConfigurations = {
        alpha = mkHost { name = "alpha"; };
        beta = mkHost {
          name = "beta";
          extraModules = [ microvm.nixosModules.host ];
        };
        gamma = mkHost {
          name = "gamma";
          system = "aarch64-linux";
        };
      };

      overlays.default = overlay-unstable;

      nixosModules = {
        common = import ./modules/common.nix;
        backup = import ./modules/backup.nix;
      };
    };
}
