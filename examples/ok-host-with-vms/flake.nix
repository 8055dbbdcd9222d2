{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.microvm.url = "github:astro/microvm.nix";

  outputs = { nixpkgs, microvm, ... }: {
    # The host runs MicroVMs; each VM's config is its own guest system.
    nixosConfigurations.host = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [
        microvm.nixosModules.host
        {
          boot.loader.grub.device = "/dev/sda";
          fileSystems."/".device = "/dev/sda1";
          microvm.vms.db.config = {
            microvm.mem = 1024;
            microvm.shares = [{
              tag = "ro-store";
              source = "/nix/store";
              mountPoint = "/nix/.ro-store";
            }];
          };
        }
      ];
    };

    # A guest of its own, built with `nix run .#nixosConfigurations.vm...`.
    nixosConfigurations.vm = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [
        microvm.nixosModules.microvm
        { microvm.hypervisor = "qemu"; }
      ];
    };
  };
}
