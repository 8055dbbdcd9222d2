# error: 12:82 unclosed '(' in a flake outputs function
# after: devShells.x86_64-linux.default packages formatter.x86_64-linux
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.microvm.url = "github:astro/microvm.nix";

  outputs = { self, nixpkgs, microvm }:
    let
      pkgs = nixpkgs.legacyPackages.x86_64-linux;
    in
    {
      packages.x86_64-linux.default = (pkgs.writeShellScriptBin "hello" "echo hi";
      devShells.x86_64-linux.default = pkgs.mkShell {
        packages = [ pkgs.go ];
      };
      formatter.x86_64-linux = pkgs.nixpkgs-fmt;
    };
}
