{
  description = "A single MicroVM running a small web service";

  inputs.nixpkgs.url = "github:nixos/nixpkgs/nixos-unstable";
  inputs.microvm.url = "github:astro/microvm.nix";
  inputs.microvm.inputs.nixpkgs.follows = "nixpkgs";

  outputs = { self, nixpkgs, microvm }:
    let
      system = "x86_64-linux";
    in
    {
      packages.${system} = {
        default = self.packages.${system}.my-microvm;
        my-microvm = self.nixosConfigurations.my-microvm.config.microvm.declaredRunner;
      };

      nixosConfigurations.my-microvm = nixpkgs.lib.nixosSystem {
        inherit system;
        modules = [
          microvm.nixosModules.microvm
          {
            networking.hostName = "my-microvm";
            users.users.root.password = "";
            microvm = {
              hypervisor = "qemu";
              vcpu = 2;
              mem = 1024;
              socket = "control.socket";
              volumes = [ {
                mountPoint = "/var";
                image = "var.img";
                size = 256;
              } ];
              shares = [ {
                proto = "9p";
                tag = "ro-store";
                source = "/nix/store";
                mountPoint = "/nix/.ro-store";
              } ];
              interfaces = [ {
                type = "user";
                id = "vm-net";
                mac = "02:00:00:00:00:01";
              } ];
            };
            services.nginx.enable = true;
            networking.firewall.allowedTCPPorts = [ 80 ];
            system.stateVersion = "24.05";
          }
        ];
      };
    };
}
