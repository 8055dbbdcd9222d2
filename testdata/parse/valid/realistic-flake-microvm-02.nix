{
  description = "Host running several microvms declaratively";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
    microvm = {
      url = "github:astro/microvm.nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    flake-utils.url = "github:numtide/flake-utils";
  };

  outputs = inputs@{ self, nixpkgs, microvm, flake-utils, ... }:
    let
      lib = nixpkgs.lib;
      guestNames = [ "dns" "web" "db" "mail" ];

      mkGuest = index: name: {
        inherit name;
        value = {
          autostart = true;
          config = {
            imports = [ ./guests/${name}.nix ];
            microvm = {
              hypervisor = if name == "db" then "cloud-hypervisor" else "qemu";
              vcpu = 1;
              mem = 512 + index * 256;
              interfaces = [ {
                type = "tap";
                id = "vm-${name}";
                mac = "02:00:00:00:01:0${toString index}";
              } ];
              shares = [ {
                source = "/nix/store";
                mountPoint = "/nix/.ro-store";
                tag = "ro-store";
                proto = "virtiofs";
              } ];
            };
            networking.hostName = name;
            system.stateVersion = "24.05";
          };
        };
      };
    in
    {
      nixosConfigurations.host = lib.nixosSystem {
        system = "x86_64-linux";
        specialArgs = { inherit inputs; };
        modules = [
          microvm.nixosModules.host
          ./host/configuration.nix
          {
            microvm.vms = lib.listToAttrs (lib.imap0 mkGuest guestNames);
            systemd.network.netdevs."10-microvm".netdevConfig = {
              Kind = "bridge";
              Name = "microvm";
            };
            systemd.network.networks."10-microvm" = {
              matchConfig.Name = "microvm";
              addresses = [ { addressConfig.Address = "10.0.0.1/24"; } ];
            };
            systemd.network.networks."11-microvm" = {
              matchConfig.Name = "vm-*";
              networkConfig.Bridge = "microvm";
            };
          }
        ];
      };
    } // flake-utils.lib.eachDefaultSystem (system:
      let pkgs = nixpkgs.legacyPackages.${system}; in
      {
        devShells.default = pkgs.mkShell {
          packages = with pkgs; [ nixpkgs-fmt nil jq ];
        };
        formatter = pkgs.nixpkgs-fmt;
      });
}
