{
  inputs.microvm.url = "github:astro/microvm.nix";
  inputs.nixpkgs.follows = "microvm/nixpkgs";

  outputs = { self, nixpkgs, microvm }: {
    nixosConfigurations.tiny = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [
        microvm.nixosModules.microvm
        { microvm.hypervisor = "firecracker"; microvm.mem = 256; }
      ];
    };
  };
}
