{
  description = "Development environment for a Go project";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    systems.url = "github:nix-systems/default";
  };

  outputs = { self, nixpkgs, systems }:
    let
      forEachSystem = f: nixpkgs.lib.genAttrs (import systems) (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forEachSystem (pkgs: {
        default = pkgs.buildGoModule {
          pname = "microvm-lsp";
          version = self.shortRev or "dirty";
          src = ./.;
          vendorHash = null;
          subPackages = [ "cmd/microvm-lsp" ];
          ldflags = [ "-s" "-w" "-X main.version=${self.shortRev or "dirty"}" ];
        };
      });

      devShells = forEachSystem (pkgs: {
        default = pkgs.mkShell {
          packages = [ pkgs.go pkgs.gopls pkgs.gotools pkgs.golangci-lint ];
          shellHook = ''
            export GOPATH="$PWD/.go"
            export PATH="$GOPATH/bin:$PATH"
            echo "go ''${GOVERSION:-$(go env GOVERSION)} ready"
          '';
        };
      });

      checks = forEachSystem (pkgs: {
        build = self.packages.${pkgs.system}.default;
      });
    };
}
