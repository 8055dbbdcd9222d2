package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"testing"

	"github.com/nix-community/go-nix/pkg/nar"
	"github.com/nix-community/go-nix/pkg/nixhash"
)

// The flake at the repository root is checked without nixpkgs (it cannot be
// fetched in CI): it must parse, pass our own check, evaluate against a
// stand-in for nixpkgs to the outputs Nix users expect, and pin the vendor
// hash of the current go.mod and go.sum.

// TestFlakeParses runs Nix's own parser on flake.nix.
func TestFlakeParses(t *testing.T) {
	nixInstantiate := needTool(t, "nix-instantiate")
	cmd := exec.Command(nixInstantiate, "--parse", filepath.Join(repoRoot, "flake.nix"))
	cmd.Env = nixEnv(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nix-instantiate --parse flake.nix: %v\n%s", err, out)
	}
}

// TestFlakeChecksClean: our own check finds nothing in flake.nix.
func TestFlakeChecksClean(t *testing.T) {
	cmd := exec.Command(serverBin, "check", "flake.nix")
	cmd.Dir = repoRoot
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil || stdout.Len() > 0 {
		t.Fatalf("microvm-lsp check flake.nix: %v\n%s%s", err, stdout.String(), stderr.String())
	}
}

// flakeStub evaluates flake.nix's outputs against a stand-in for nixpkgs: a
// lib with the functions the flake calls, and package sets whose
// buildGoModule and mkShell return their arguments, so the test sees what
// the flake passes them.
const flakeStub = `
let
  flake = import ./flake.nix;
  systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
  lib = {
    genAttrs = names: f: builtins.listToAttrs (map (name: { inherit name; value = f name; }) names);
    cleanSource = src: src;
    getExe = drv: "${drv.outPath}/bin/${drv.meta.mainProgram}";
    licenses.mit = "mit";
  };
  pkgsFor = system: let pkgs = {
    inherit lib;
    stdenv.hostPlatform.system = system;
    callPackage = f: args: f (builtins.intersectAttrs (builtins.functionArgs f) pkgs // args);
    buildGoModule = a: a // { outPath = "/nix/store/00000000000000000000000000000000-${a.pname}"; };
    mkShell = a: a;
    go = "go"; gopls = "gopls"; nix = "nix"; nodejs = "nodejs"; neovim = "neovim"; emacs-nox = "emacs-nox";
    emacsPackagesFor = emacs: {
      emacsWithPackages = f: builtins.concatStringsSep "+" ([ emacs ] ++ f { lsp-mode = "lsp-mode"; });
    };
    nixfmt-tree = "nixfmt-tree";
  }; in pkgs;
  nixpkgs = { inherit lib; legacyPackages = lib.genAttrs systems pkgsFor; };
  self = flake.outputs { inherit self nixpkgs; } // { shortRev = "abc1234"; };
  overlaid = (self.overlays.default (pkgsFor "x86_64-linux") { }).microvm-lsp;
  pick = p: { inherit (p) pname version vendorHash subPackages ldflags; inherit (p.meta) license mainProgram; };
in {
  inputs = flake.inputs;
  systems = builtins.attrNames self.packages;
  package = pick self.packages.x86_64-linux.default;
  same = self.packages.aarch64-darwin.default.pname == "microvm-lsp" && self.packages.x86_64-linux.microvm-lsp == self.packages.x86_64-linux.default;
  overlay = pick overlaid;
  app = self.apps.x86_64-linux.default.program;
  shell = self.devShells.x86_64-linux.default.packages;
  formatter = self.formatter.x86_64-linux;
}
`

// TestFlakeOutputs evaluates the flake's outputs with flakeStub.
func TestFlakeOutputs(t *testing.T) {
	nixInstantiate := needTool(t, "nix-instantiate")
	cmd := exec.Command(nixInstantiate, "--eval", "--strict", "--json", "-E", flakeStub)
	cmd.Dir = repoRoot
	cmd.Env = nixEnv(t)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("evaluating flake.nix's outputs: %v\n%s", err, stderr.String())
	}
	type pkg struct {
		Pname       string   `json:"pname"`
		Version     string   `json:"version"`
		VendorHash  string   `json:"vendorHash"`
		SubPackages []string `json:"subPackages"`
		Ldflags     []string `json:"ldflags"`
		License     string   `json:"license"`
		MainProgram string   `json:"mainProgram"`
	}
	var got struct {
		Inputs struct {
			Nixpkgs struct {
				URL string `json:"url"`
			} `json:"nixpkgs"`
		} `json:"inputs"`
		Systems   []string `json:"systems"`
		Package   pkg      `json:"package"`
		Same      bool     `json:"same"`
		Overlay   pkg      `json:"overlay"`
		App       string   `json:"app"`
		Shell     []string `json:"shell"`
		Formatter string   `json:"formatter"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, stdout.String())
	}
	if got.Inputs.Nixpkgs.URL == "" {
		t.Errorf("no nixpkgs input")
	}
	if want := []string{"aarch64-darwin", "aarch64-linux", "x86_64-darwin", "x86_64-linux"}; !reflect.DeepEqual(got.Systems, want) {
		t.Errorf("packages for %v, want %v", got.Systems, want)
	}
	want := pkg{
		Pname:       "microvm-lsp",
		Version:     "abc1234",
		VendorHash:  flakeVendorHash(t),
		SubPackages: []string{"cmd/microvm-lsp"},
		Ldflags:     []string{"-s", "-w", "-X main.version=abc1234"},
		License:     "mit",
		MainProgram: "microvm-lsp",
	}
	if !reflect.DeepEqual(got.Package, want) {
		t.Errorf("packages.default = %+v\nwant %+v", got.Package, want)
	}
	if !reflect.DeepEqual(got.Overlay, want) {
		t.Errorf("overlays.default's microvm-lsp = %+v\nwant %+v", got.Overlay, want)
	}
	if !got.Same {
		t.Errorf("packages.<system>.default is not packages.<system>.microvm-lsp on every system")
	}
	if got.App != "/nix/store/00000000000000000000000000000000-microvm-lsp/bin/microvm-lsp" {
		t.Errorf("apps.default.program = %q", got.App)
	}
	for _, p := range []string{"go", "gopls", "nix", "nodejs", "neovim", "emacs-nox+lsp-mode"} {
		if !contains(got.Shell, p) {
			t.Errorf("devShells.default lacks %s: %v", p, got.Shell)
		}
	}
	if got.Formatter == "" {
		t.Errorf("no formatter")
	}
}

var vendorHashRE = regexp.MustCompile(`vendorHash = "(sha256-[A-Za-z0-9+/=]+)";`)

// flakeVendorHash is the vendorHash written in flake.nix.
func flakeVendorHash(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "flake.nix"))
	if err != nil {
		t.Fatal(err)
	}
	m := vendorHashRE.FindAllSubmatch(b, -1)
	if len(m) != 1 {
		t.Fatalf("flake.nix: want one vendorHash = \"sha256-...\"; found %d", len(m))
	}
	return string(m[0][1])
}

// TestFlakeVendorHash recomputes buildGoModule's vendorHash, the NAR hash of
// what `go mod vendor` writes, from go.mod and go.sum as they are, and
// compares it with flake.nix's. It works offline from the module cache,
// which building the tests has filled.
func TestFlakeVendorHash(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vendor")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	cmd := exec.Command(goTool, "mod", "vendor", "-o", dir)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod vendor: %v\n%s", err, out)
	}
	h := sha256.New()
	if err := nar.DumpPath(h, dir); err != nil {
		t.Fatal(err)
	}
	got := nixhash.MustNewHashWithEncoding(nixhash.SHA256, h.Sum(nil), nixhash.SRI, true).String()
	if want := flakeVendorHash(t); got != want {
		t.Errorf("flake.nix has vendorHash = %q, but go mod vendor's output hashes to %q: go.mod or go.sum changed; "+
			"write the new hash into flake.nix", want, got)
	}
}

// nixEnv runs Nix on the local store, with a home and no search path of
// the user's.
func nixEnv(t *testing.T) []string {
	return append(os.Environ(), "NIX_REMOTE=", "HOME="+t.TempDir(), "NIX_PATH=")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
