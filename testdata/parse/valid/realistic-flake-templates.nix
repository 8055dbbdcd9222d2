{
  description = "Project templates and a NixOS test";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    microvm = {
      url = "github:astro/microvm.nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs = { self, nixpkgs, microvm, ... }:
    let
      system = "x86_64-linux";
      pkgs = import nixpkgs { inherit system; };
    in
    {
      templates = {
        microvm = {
          path = ./templates/microvm;
          description = "A minimal MicroVM flake";
          welcomeText = ''
            # MicroVM template

            Run `nix run .#vm` to boot it. Edit `flake.nix` to
            change the hypervisor (qemu, cloud-hypervisor, firecracker, ...).
          '';
        };
        default = self.templates.microvm;
      };

      checks.${system}.vm-boots = pkgs.nixosTest {
        name = "vm-boots";
        nodes.machine = { config, pkgs, ... }: {
          imports = [ microvm.nixosModules.host ];
          virtualisation.memorySize = 2048;
        };
        testScript = ''
          machine.start()
          machine.wait_for_unit("multi-user.target")
          machine.succeed("systemctl is-active microvms.target")
        '';
      };
    };
}
