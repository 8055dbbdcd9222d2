# error: 11:26 missing ';' after the nested inputs.microvm set
# after: inputs.flake-utils.url outputs packages.x86_64-linux.default
{
  description = "flake with a missing semicolon";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.microvm = {
    url = "github:astro/microvm.nix";
    inputs.nixpkgs.follows = "nixpkgs";
  }
  inputs.flake-utils.url = "github:numtide/flake-utils";

  outputs = { self, nixpkgs, microvm, flake-utils }: {
    packages.x86_64-linux.default = nixpkgs.legacyPackages.x86_64-linux.hello;
  };
}
