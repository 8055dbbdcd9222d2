package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestVersionAndHelp(t *testing.T) {
	if code, out, _ := runCLI("version"); code != 0 || !strings.HasPrefix(out, "microvm-lsp ") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, out, _ := runCLI("--help"); code != 0 || !strings.Contains(out, "check") || !strings.Contains(out, "parse") {
		t.Errorf("help: %d %q", code, out)
	}
	if code, _, _ := runCLI("bogus"); code != 2 {
		t.Errorf("unknown command exit %d, want 2", code)
	}
}

func TestParseExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.nix")
	bad := filepath.Join(dir, "sub", "bad.nix")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	os.WriteFile(good, []byte("{ a = 1; }"), 0o644)
	os.WriteFile(bad, []byte("{\n  a = 1\n}"), 0o644)
	if code, out, _ := runCLI("parse", good); code != 0 || out != "" {
		t.Errorf("good: %d %q", code, out)
	}
	code, out, _ := runCLI("parse", dir)
	if code != 1 || out != bad+":2:8: expected ';' after the binding of `a`\n" {
		t.Errorf("dir: %d %q", code, out)
	}
	if code, _, _ := runCLI("parse", filepath.Join(dir, "missing.nix")); code != 2 {
		t.Errorf("missing file exit %d, want 2", code)
	}
	if code, out, _ := runCLI("parse", "--print", good); code != 0 || out != "{ a = 1; }\n" {
		t.Errorf("print: %d %q", code, out)
	}
}

func TestCheckExample(t *testing.T) {
	code, out, errs := runCLI("check", "--format", "json", "../../examples")
	if code != 1 {
		t.Fatalf("exit %d (stderr %s), want 1 for an error finding", code, errs)
	}
	var findings []jsonFinding
	if err := json.Unmarshal([]byte(out), &findings); err != nil {
		t.Fatal(err)
	}
	if len(findings) != 1 || findings[0].Code != "role-conflict" || findings[0].Severity != "error" ||
		findings[0].File != "../../examples/conflict/hosts/server/default.nix" || findings[0].Line != 6 || len(findings[0].Fixes) != 3 {
		t.Fatalf("findings = %+v", findings)
	}
	code, out, _ = runCLI("check", "--format", "sarif", "../../examples/ok-host-with-vms")
	if code != 0 || !strings.Contains(out, `"version": "2.1.0"`) {
		t.Fatalf("sarif: %d %s", code, out)
	}
}

func TestCheckFixWritesFiles(t *testing.T) {
	dir := t.TempDir()
	src := "{\n  inputs.microvm.url = \"github:astro/microvm.nix\";\n  outputs = { nixpkgs, microvm, ... }: {\n    nixosConfigurations.h = nixpkgs.lib.nixosSystem {\n      modules = [\n        microvm.nixosModules.host\n        microvm.nixosModules.microvm\n        { boot.loader.grub.device = \"/dev/sda\"; }\n      ];\n    };\n  };\n}\n"
	path := filepath.Join(dir, "flake.nix")
	os.WriteFile(path, []byte(src), 0o644)
	if code, _, errs := runCLI("check", "--fix", "role-conflict", dir); code != 0 {
		t.Fatalf("fix exit %d: %s", code, errs)
	}
	got, _ := os.ReadFile(path)
	// the preferred fix keeps both imports and disables the guest module
	if !strings.Contains(string(got), "microvm.guest.enable = false") || !strings.Contains(string(got), "nixosModules.host") {
		t.Fatalf("after fix:\n%s", got)
	}
	if code, out, _ := runCLI("check", dir); code != 0 || out != "" {
		t.Fatalf("after fix, check: %d %q", code, out)
	}
}
