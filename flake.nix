{
  description = "microvm-lsp: a Nix language server that knows which NixOS systems are microvm.nix hosts or guests";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      systems = [
        "x86_64-linux"
        "aarch64-linux"
        "x86_64-darwin"
        "aarch64-darwin"
      ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});

      # Like the Makefile's `git describe --always --dirty`.
      version = self.shortRev or self.dirtyShortRev or "dev";

      # The one package definition, shared by packages and the overlay.
      microvm-lsp =
        { lib, buildGoModule }:
        buildGoModule {
          pname = "microvm-lsp";
          inherit version;
          src = lib.cleanSource ./.;
          # The NAR hash of `go mod vendor`'s output. e2e/flake_test.go
          # recomputes it and fails when go.mod or go.sum changed without it.
          vendorHash = "sha256-rE5H0SAlen19B19JJ6THLvqhQkUT+dc8dYE7rNc0nPM=";
          subPackages = [ "cmd/microvm-lsp" ];
          ldflags = [
            "-s"
            "-w"
            "-X main.version=${version}"
          ];
          # The tests drive nix-instantiate, Neovim, Emacs and Node, which the
          # build sandbox does not have: `make test` in the dev shell runs them.
          doCheck = false;
          meta = {
            description = "Nix language server that reports NixOS systems importing both microvm.nix roles";
            license = lib.licenses.mit;
            mainProgram = "microvm-lsp";
          };
        };
    in
    {
      overlays.default = final: prev: { microvm-lsp = final.callPackage microvm-lsp { }; };

      packages = forAllSystems (pkgs: {
        microvm-lsp = pkgs.callPackage microvm-lsp { };
        default = self.packages.${pkgs.stdenv.hostPlatform.system}.microvm-lsp;
      });

      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = nixpkgs.lib.getExe self.packages.${pkgs.stdenv.hostPlatform.system}.default;
          meta.description = "Run microvm-lsp (serve, check, parse, version)";
        };
      });

      # What `make test` needs: Go and gopls; Nix, whose nix-instantiate --parse
      # is the parser's oracle; Node and npm for the VS Code extension; Neovim,
      # and Emacs with Eglot (built in) and lsp-mode, for the end-to-end tests
      # of the editor configurations.
      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          packages = [
            pkgs.go
            pkgs.gopls
            pkgs.nix
            pkgs.nodejs
            pkgs.neovim
            ((pkgs.emacsPackagesFor pkgs.emacs-nox).emacsWithPackages (epkgs: [ epkgs.lsp-mode ]))
          ];
        };
      });

      formatter = forAllSystems (pkgs: pkgs.nixfmt-tree);
    };
}
