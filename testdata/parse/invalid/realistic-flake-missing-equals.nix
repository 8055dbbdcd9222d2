# error: 7:26 missing '=' after inputs.flake-utils.url in a flake
# after: inputs.microvm.url inputs.microvm.inputs.nixpkgs.follows outputs nixosConfigurations.vm system modules microvm.hypervisor microvm.mem
{
  description = "MicroVM host flake";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.flake-utils.url "github:numtide/flake-utils";
  inputs.microvm.url = "github:astro/microvm.nix";
  inputs.microvm.inputs.nixpkgs.follows = "nixpkgs";

  outputs = { self, nixpkgs, flake-utils, microvm }: {
    nixosConfigurations.vm = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [
        microvm.nixosModules.microvm
        {
          microvm.hypervisor = "cloud-hypervisor";
          microvm.mem = 1024;
        }
      ];
    };
  };
}
