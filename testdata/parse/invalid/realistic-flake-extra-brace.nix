# error: 14:4 one '}' too many closes the outputs set early
# after:
{
  description = "extra brace";
  inputs.microvm.url = "github:astro/microvm.nix";
  inputs.nixpkgs.follows = "microvm/nixpkgs";

  outputs = { self, nixpkgs, microvm }: {
    nixosConfigurations.guest = nixpkgs.lib.nixosSystem {
      system = "aarch64-linux";
      modules = [ microvm.nixosModules.microvm ];
    };
  };
  };
}
