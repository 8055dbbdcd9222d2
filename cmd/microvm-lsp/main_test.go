package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/server"
)

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// writeTree writes files (path → content) below dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A flake whose host file is brought the guest module from flake.nix: the
// conflict is only seen with the flake and the file together.
var conflictTree = map[string]string{
	"flake.nix": `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { nixpkgs, ... }@inputs: {
    nixosConfigurations.web = nixpkgs.lib.nixosSystem {
      specialArgs = { inherit inputs; };
      modules = [ inputs.microvm.nixosModules.microvm ./hosts/web.nix ];
    };
  };
}
`,
	"hosts/web.nix": `{ inputs, ... }: {
  imports = [ inputs.microvm.nixosModules.host ./hw.nix ];
}
`,
	"hosts/hw.nix": "{ boot.loader.grub.device = \"/dev/sda\"; }\n",
	"other.nix":    "{ x = 1; }\n",
}

func TestVersionAndHelp(t *testing.T) {
	if code, out, _ := runCLI("version"); code != 0 || !strings.HasPrefix(out, "microvm-lsp ") {
		t.Errorf("version: %d %q", code, out)
	}
	code, out, _ := runCLI("--help")
	if code != 0 {
		t.Errorf("help exit %d", code)
	}
	for _, c := range commands {
		if !strings.Contains(out, "microvm-lsp "+c.name) {
			t.Errorf("help does not list %s:\n%s", c.name, out)
		}
	}
	if code, _, _ := runCLI("bogus"); code != 2 {
		t.Errorf("unknown command exit %d, want 2", code)
	}
	// Every command's -h: a synopsis, its flags, exit codes, examples; exit 0.
	for _, c := range commands {
		if c.name == "help" || c.name == "version" {
			continue
		}
		for _, args := range [][]string{{c.name, "-h"}, {c.name, "--help"}, {"help", c.name}} {
			code, out, errs := runCLI(args...)
			if code != 0 || errs != "" {
				t.Errorf("%v: exit %d, stderr %q", args, code, errs)
			}
			for _, want := range []string{"Usage: microvm-lsp", "Flags", "Exit codes:", "  2  ", "Examples:"} {
				if !strings.Contains(out, want) {
					t.Errorf("%v lacks %q:\n%s", args, want, out)
				}
			}
		}
	}
	if code, out, _ := runCLI("check", "-h"); code != 0 || !strings.Contains(out, "--fix CODE") || !strings.Contains(out, "--diff") || !strings.Contains(out, "--fail-on") {
		t.Errorf("check -h does not document --fix and --diff:\n%s", out)
	}
	if code, _, errs := runCLI("check", "--no-such-flag"); code != 2 || !strings.Contains(errs, "check -h") {
		t.Errorf("bad flag: %d %q", code, errs)
	}
}

func TestVersionFromBuildInfo(t *testing.T) {
	for _, tc := range []struct {
		info debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{Main: debug.Module{Version: "v0.3.1"}}, "v0.3.1"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}, "devel 0123456789ab-dirty"},
		{debug.BuildInfo{}, "devel"},
	} {
		if got := versionFrom(&tc.info); got != tc.want {
			t.Errorf("versionFrom(%+v) = %q, want %q", tc.info, got, tc.want)
		}
	}
}

func TestParseExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.nix")
	bad := filepath.Join(dir, "sub", "bad.nix")
	writeTree(t, dir, map[string]string{"good.nix": "{ a = 1; }", "sub/bad.nix": "{\n  a = 1\n}"})
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
	// Several files: each normal form after its name; flags after paths.
	other := filepath.Join(dir, "other.nix")
	os.WriteFile(other, []byte("[ 1 ]"), 0o644)
	if code, out, _ := runCLI("parse", good, other, "--print"); code != 0 || out != "# "+good+"\n{ a = 1; }\n# "+other+"\n[ (1) ]\n" {
		t.Errorf("print two: %d %q", code, out)
	}
	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, "README"), []byte("x"), 0o644)
	if code, _, errs := runCLI("parse", empty); code != 2 || !strings.Contains(errs, "no .nix files") {
		t.Errorf("empty tree: %d %q", code, errs)
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
	// One base: the chain in the message names files as the locations do.
	if !strings.Contains(findings[0].Message, "(via ../../examples/conflict/flake.nix:16)") {
		t.Errorf("message %q does not name the flake as ../../examples/conflict/flake.nix", findings[0].Message)
	}
	code, out, _ = runCLI("check", "--format", "sarif", "../../examples/ok-host-with-vms")
	if code != 0 || !strings.Contains(out, `"version": "2.1.0"`) {
		t.Fatalf("sarif: %d %s", code, out)
	}
}

func TestCheckPathsHaveOneBase(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, conflictTree)
	t.Chdir(filepath.Join(dir, "hosts"))
	code, out, errs := runCLI("check", "..")
	if code != 1 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	// The finding is on ../flake.nix; its chain and related lines name the
	// files the same way.
	for _, want := range []string{"../flake.nix:6:19: error:", "(via ../flake.nix:6 → web.nix:2)", "    web.nix:2:15: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "hosts/") {
		t.Errorf("a name relative to the argument instead of the current directory:\n%s", out)
	}
}

func TestCheckFixWritesFiles(t *testing.T) {
	dir := t.TempDir()
	src := "{\n  inputs.microvm.url = \"github:astro/microvm.nix\";\n  outputs = { nixpkgs, microvm, ... }: {\n    nixosConfigurations.h = nixpkgs.lib.nixosSystem {\n      modules = [\n        microvm.nixosModules.host\n        microvm.nixosModules.microvm\n        { boot.loader.grub.device = \"/dev/sda\"; }\n      ];\n    };\n  };\n}\n"
	path := filepath.Join(dir, "flake.nix")
	os.WriteFile(path, []byte(src), 0o644)
	if code, _, errs := runCLI("check", "--fix", "role-conflict", dir); code != 0 || !strings.Contains(errs, "1 finding(s) with code role-conflict fixed in 1 file(s)") {
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

func TestCheckFixUnusedBindings(t *testing.T) {
	dir := t.TempDir()
	src := "{ pkgs, ... }:\nlet\n  # the port\n  port = 8080;\n  name = \"web\";\nin\n{\n  networking.hostName = \"h\";\n}\n"
	path := filepath.Join(dir, "a.nix")
	os.WriteFile(path, []byte(src), 0o644)

	// An unknown code is a usage error, whatever else is asked.
	if code, _, errs := runCLI("check", "--fix", "unused-bindings", dir); code != 2 || !strings.Contains(errs, `"unused-bindings"`) {
		t.Errorf("unknown code: %d %q", code, errs)
	}
	// --diff: a unified diff, nothing written, exit 1 (fixes pending).
	code, out, errs := runCLI("check", dir, "--fix", "unused-binding", "--diff")
	want := "--- a/" + strings.TrimPrefix(filepath.ToSlash(path), "/") + "\n+++ b/" + strings.TrimPrefix(filepath.ToSlash(path), "/") + "\n" +
		"@@ -1,9 +1,4 @@\n { pkgs, ... }:\n-let\n-  # the port\n-  port = 8080;\n-  name = \"web\";\n-in\n {\n   networking.hostName = \"h\";\n }\n"
	if code != 1 || out != want {
		t.Errorf("--diff: exit %d, stderr %q\n%s\nwant\n%s", code, errs, out, want)
	}
	if got, _ := os.ReadFile(path); string(got) != src {
		t.Errorf("--diff wrote the file:\n%s", got)
	}
	if code, _, _ := runCLI("check", dir, "--diff"); code != 2 {
		t.Errorf("--diff without --fix: exit %d, want 2", code)
	}
	// --fix with --format json: the findings that remain, as JSON (the
	// pkgs argument of a module function is not one).
	code, out, errs = runCLI("check", "--fix", "unused-binding", "--format", "json", dir)
	var remaining []jsonFinding
	if err := json.Unmarshal([]byte(out), &remaining); err != nil || code != 0 || len(remaining) != 0 {
		t.Errorf("--fix --format json: %d %q %q", code, out, errs)
	}
	if got, _ := os.ReadFile(path); string(got) != "{ pkgs, ... }:\n{\n  networking.hostName = \"h\";\n}\n" {
		t.Errorf("after --fix:\n%s", got)
	}
}

func TestCheckSARIF(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"clean.nix": "{ a = 1; }\n"})
	code, out, _ := runCLI("check", "--format", "sarif", dir)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID               string `json:"id"`
						ShortDescription struct{ Text string }
						Help             struct{ Text string }
						HelpURI          string `json:"helpUri"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results    []json.RawMessage `json:"results"`
			ColumnKind string            `json:"columnKind"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, ": null") || len(log.Runs) != 1 || log.Runs[0].Results == nil {
		t.Fatalf("a clean run:\n%s", out)
	}
	rules := log.Runs[0].Tool.Driver.Rules
	if len(rules) != len(analysis.Codes()) {
		t.Errorf("%d rules, want one per code (%d)", len(rules), len(analysis.Codes()))
	}
	short := map[string]string{}
	for _, c := range analysis.Codes() {
		short[c.Code] = c.Short
	}
	for _, r := range rules {
		// no docsUrl setting: no link that may lead nowhere
		if r.HelpURI != "" || !strings.Contains(r.Help.Text, "docs/diagnostics.md") {
			t.Errorf("rule %+v", r)
		}
		// the short description its Analyzer declares for the code
		if want, ok := short[r.ID]; !ok || r.ShortDescription.Text != want || want == "" {
			t.Errorf("rule %s: short description %q, want the declared %q", r.ID, r.ShortDescription.Text, want)
		}
	}
	validateSARIF(t, []byte(out))

	// With docsUrl in the settings file, each rule links to its section.
	docs := t.TempDir()
	writeTree(t, docs, map[string]string{"clean.nix": "{ a = 1; }\n", ".microvm-lsp.json": `{"docsUrl": "https://example.org/diagnostics.html#top"}`})
	_, out, _ = runCLI("check", "--format", "sarif", docs)
	log.Runs = nil
	if err := json.Unmarshal([]byte(out), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("%v:\n%s", err, out)
	}
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		if r.HelpURI != "https://example.org/diagnostics.html#"+r.ID {
			t.Errorf("with docsUrl: rule %s helpUri %q", r.ID, r.HelpURI)
		}
	}
	validateSARIF(t, []byte(out))

	// Columns in UTF-16 code units: é and ö are one unit each, ✓ one.
	writeTree(t, dir, map[string]string{"u.nix": "{ a = \"héllo wörld ✓\"; b = zz; }\n", "f.nix": "{ x, ... }: { y = 1; }\n"})
	code, out, _ = runCLI("check", "--format", "sarif", dir)
	if code != 1 || !strings.Contains(out, `"columnKind": "utf16CodeUnits"`) {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	m := regexp.MustCompile(`"ruleId": "undefined-variable"(?s:.*?)"startColumn": (\d+)`).FindStringSubmatch(out)
	if m == nil || m[1] != "28" {
		t.Errorf("zz at SARIF column %v, want 28:\n%s", m, out)
	}
	validateSARIF(t, []byte(out))
	// JSON counts bytes, as documented.
	_, out, _ = runCLI("check", "--format", "json", dir)
	if !strings.Contains(out, `"column": 32`) {
		t.Errorf("zz not at JSON (byte) column 32:\n%s", out)
	}
}

// sarifDir holds the SARIF schema check (testdata/sarif/validate.js).
var sarifDir, _ = filepath.Abs("testdata/sarif")

// validateSARIF checks a SARIF log against the SARIF 2.1.0 JSON schema with
// node: the schema ships in an npm package, installed here by npm ci.
func validateSARIF(t *testing.T, doc []byte) {
	t.Helper()
	node, err1 := exec.LookPath("node")
	npm, err2 := exec.LookPath("npm")
	if err1 != nil || err2 != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node and npm are needed to validate SARIF against its schema")
		}
		t.Skip("node or npm not installed: SARIF not validated against the schema")
	}
	if _, err := os.Stat(filepath.Join(sarifDir, "node_modules", "ajv")); err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--silent")
		cmd.Dir = sarifDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", sarifDir, err, out)
		}
	}
	cmd := exec.Command(node, "validate.js")
	cmd.Dir = sarifDir
	cmd.Stdin = bytes.NewReader(doc)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("SARIF does not validate: %v\n%s", err, out)
	}
}

func TestCheckFollowsSymlinkedDirectory(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"real/configuration.nix": "{ a = zz; }\n"})
	link := filepath.Join(dir, "nixos")
	if err := os.Symlink(filepath.Join(dir, "real"), link); err != nil {
		t.Skip(err)
	}
	code, out, errs := runCLI("check", link)
	if code != 1 || !strings.Contains(out, filepath.Join(link, "configuration.nix")+":1:7: error: undefined variable `zz`") {
		t.Errorf("symlinked dir: %d %q %q", code, out, errs)
	}
}

func TestCheckFileInItsWorkspace(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, conflictTree)
	writeTree(t, dir, map[string]string{"hosts/hw.nix": "{ boot.loader.grub.device = \"/dev/sda\"; }\n"})
	t.Chdir(dir)
	// web.nix alone has no conflict; with its flake it has one, reported on
	// flake.nix: not a given file. hw.nix is given and read by the system.
	code, out, errs := runCLI("check", "hosts/web.nix")
	if code != 0 || out != "" || !strings.Contains(errs, "note: system `web` (flake.nix) also reads flake.nix, hosts/hw.nix, outside the given paths") {
		t.Errorf("web.nix: %d %q %q", code, out, errs)
	}
	// The flake itself given: the conflict.
	code, out, _ = runCLI("check", "flake.nix")
	if code != 1 || !strings.HasPrefix(out, "flake.nix:6:19: error:") || strings.Contains(out, "other.nix") {
		t.Errorf("flake.nix: %d %q", code, out)
	}
	// A file in a .git tree without a flake: the .git directory is the root.
	gitDir := t.TempDir()
	writeTree(t, gitDir, map[string]string{".git/HEAD": "ref: x\n", "lib.nix": "{ f = x: x; }\n", "sub/use.nix": "let l = import ../lib.nix; in l.f zz\n"})
	code, out, _ = runCLI("check", filepath.Join(gitDir, "sub", "use.nix"))
	if code != 1 || !strings.Contains(out, "undefined variable `zz`") || strings.Contains(out, "lib.nix:") {
		t.Errorf("git tree: %d %q", code, out)
	}
}

func TestCheckArguments(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.nix": "{ a = zz; }\n"})
	// Flags after the path.
	code, out, _ := runCLI("check", dir, "--format", "json", "-q")
	if var_ := []jsonFinding{}; code != 1 || json.Unmarshal([]byte(out), &var_) != nil || len(var_) != 1 {
		t.Errorf("flags after the path: %d %q", code, out)
	}
	// -- ends the flags: "--format" is then a path (that does not exist).
	if code, _, errs := runCLI("check", "--", "--format"); code != 2 || !strings.Contains(errs, "--format") {
		t.Errorf("after --: %d %q", code, errs)
	}
	// - reads stdin.
	r, w, _ := os.Pipe()
	w.WriteString("{ b = yy; }\n")
	w.Close()
	stdin := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = stdin }()
	code, out, errs := runCLI("check", "-", "--color", "never")
	if code != 1 || out != "<stdin>:1:7: error: undefined variable `yy` [undefined-variable]\n" || errs != "1 file: 1 error, 0 warnings\n" {
		t.Errorf("stdin: %d %q %q", code, out, errs)
	}
	// A tree without .nix files.
	empty := t.TempDir()
	if code, _, errs := runCLI("check", empty); code != 2 || !strings.Contains(errs, "no .nix files below") {
		t.Errorf("empty tree: %d %q", code, errs)
	}
	if code, _, errs := runCLI("check", "--format", "xml", dir); code != 2 || !strings.Contains(errs, `"xml" is not one of text, json, sarif`) {
		t.Errorf("bad format: %d %q", code, errs)
	}
}

func TestCheckSettings(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"a.nix":          "let x = 1; in zz\n",
		"vendor/b.nix":   "{ c = yy; }\n",
		"gen/deep/c.nix": "{ d = ww; }\n",
	})
	codes := func(args ...string) (int, string) {
		t.Helper()
		code, out, errs := runCLI(append([]string{"check", "--format", "json", "-q"}, args...)...)
		var fs []jsonFinding
		if err := json.Unmarshal([]byte(out), &fs); err != nil {
			t.Fatalf("%v: %v %q %q", args, err, out, errs)
		}
		var got []string
		for _, f := range fs {
			got = append(got, filepath.ToSlash(f.File)[len(filepath.ToSlash(dir))+1:]+":"+f.Code+":"+f.Severity)
		}
		return code, strings.Join(got, " ")
	}
	all := "a.nix:unused-binding:warning a.nix:undefined-variable:error gen/deep/c.nix:undefined-variable:error vendor/b.nix:undefined-variable:error"
	if code, got := codes(dir); code != 1 || got != all {
		t.Errorf("no settings: %d %s", code, got)
	}
	if code, got := codes(dir, "--disable", "undefined-variable"); code != 0 || got != "a.nix:unused-binding:warning" {
		t.Errorf("--disable: %d %s", code, got)
	}
	if code, got := codes(dir, "--disable", "undefined-variable", "--fail-on", "warning"); code != 1 || got != "a.nix:unused-binding:warning" {
		t.Errorf("--fail-on warning: %d %s", code, got)
	}
	if code, got := codes(dir, "--severity", "undefined-variable=hint", "--exclude", "vendor", "--exclude", "**/deep"); code != 0 ||
		got != "a.nix:unused-binding:warning a.nix:undefined-variable:hint" {
		t.Errorf("--severity --exclude: %d %s", code, got)
	}
	for _, bad := range [][]string{{"--disable", "nope"}, {"--severity", "undefined-variable"}, {"--severity", "undefined-variable=loud"}, {"--fail-on", "fatal"}} {
		if code, _, _ := runCLI(append([]string{"check", dir}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
	// The settings file, as the server reads it; flags add to it.
	writeTree(t, dir, map[string]string{server.SettingsFile: `{"disabledChecks": ["unused-binding"], "severity": {"undefined-variable": "warning"}, "excludePaths": ["vendor/**"], "colour": 1}`})
	code, out, errs := runCLI("check", dir, "--exclude", "gen")
	if code != 0 || strings.Contains(out, "unused-binding") || strings.Contains(out, "vendor") || strings.Contains(out, "gen/") ||
		!strings.Contains(out, "warning: undefined variable `zz`") {
		t.Errorf("settings file: %d %q", code, out)
	}
	if !strings.Contains(errs, `unknown setting(s) "colour"`) || !strings.HasSuffix(errs, "1 file: 0 errors, 1 warning\n") {
		t.Errorf("settings file: stderr %q", errs)
	}
	writeTree(t, dir, map[string]string{server.SettingsFile: `{"disabledChecks": `})
	if code, _, errs := runCLI("check", dir); code != 2 || !strings.Contains(errs, server.SettingsFile) {
		t.Errorf("broken settings file: %d %q", code, errs)
	}
}

func TestCheckBinaryAndFloods(t *testing.T) {
	dir := t.TempDir()
	bin := make([]byte, 1<<20)
	rand.New(rand.NewSource(1)).Read(bin)
	bin[100] = 0
	var flood strings.Builder
	for i := 0; i < 120; i++ {
		fmt.Fprintf(&flood, "a%d = u%d;\n", i, i)
	}
	writeTree(t, dir, map[string]string{"bin.nix": string(bin), "flood.nix": "{\n" + flood.String() + "}\n"})
	code, out, errs := runCLI("check", dir, "--color", "never")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	binLines := 0
	for _, l := range lines {
		if strings.HasPrefix(l, filepath.Join(dir, "bin.nix")) {
			binLines++
		}
	}
	if code != 1 || binLines != 1 || !strings.Contains(out, "bin.nix:") || !strings.Contains(out, "NUL byte") {
		t.Errorf("binary: %d lines about it:\n%s", binLines, out)
	}
	if len(lines) != 1+50+1 || lines[len(lines)-1] != filepath.Join(dir, "flood.nix")+": 70 more finding(s) in this file not shown (--max-per-file)" {
		t.Errorf("flood: %d lines, last %q", len(lines), lines[len(lines)-1])
	}
	if errs != "2 files: 121 errors, 0 warnings\n" {
		t.Errorf("summary %q", errs)
	}
	if _, out, _ := runCLI("check", dir, "--max-per-file", "0"); strings.Count(out, "\n") != 121 {
		t.Errorf("--max-per-file 0: %d lines", strings.Count(out, "\n"))
	}
	if _, out, errs := runCLI("check", dir, "--format", "json"); strings.Count(out, `"code"`) != 51 || !strings.Contains(errs, "70 more finding(s) not shown") {
		t.Errorf("json capped: %d findings, stderr %q", strings.Count(out, `"code"`), errs)
	}
}

func TestCheckSummaryColourQuiet(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.nix": "let x = 1; in zz\n", "b.nix": "{ }\n"})
	code, out, errs := runCLI("check", dir, "--color", "always")
	if code != 1 || errs != "2 files: 1 error, 1 warning\n" {
		t.Errorf("summary: %d %q", code, errs)
	}
	if !strings.Contains(out, "\x1b[1;31merror\x1b[0m") || !strings.Contains(out, "\x1b[1;33mwarning\x1b[0m") {
		t.Errorf("--color always: %q", out)
	}
	if _, out, errs := runCLI("check", dir, "-q"); strings.Contains(out, "\x1b") || errs != "" {
		t.Errorf("-q, not a terminal: %q %q", out, errs)
	}
	t.Setenv("NO_COLOR", "1")
	if useColor("auto", os.Stdout) || !useColor("always", os.Stdout) || useColor("never", os.Stdout) {
		t.Error("NO_COLOR: auto must not colour; always must")
	}
}

// applyUnified applies a unified diff as patch would, for the test below.
func applyUnified(t *testing.T, old, diff string) string {
	t.Helper()
	a := splitLines(old)
	var out []string
	at := 0
	lines := splitLines(diff)
	hunk := regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@`)
	for i := 2; i < len(lines); i++ {
		m := hunk.FindStringSubmatch(lines[i])
		if m == nil {
			t.Fatalf("not a hunk header: %q", lines[i])
		}
		start, _ := strconv.Atoi(m[1])
		if m[2] != "0" {
			start--
		}
		out = append(out, a[at:start]...)
		at = start
		for i+1 < len(lines) && !strings.HasPrefix(lines[i+1], "@@") {
			i++
			l := lines[i]
			if i+1 < len(lines) && lines[i+1] == "\\ No newline at end of file\n" {
				l = strings.TrimSuffix(l, "\n")
				i++
			}
			switch l[0] {
			case ' ':
				out = append(out, l[1:])
				at++
			case '-':
				at++
			case '+':
				out = append(out, l[1:])
			}
		}
	}
	return strings.Join(append(out, a[at:]...), "")
}

func TestUnifiedDiffRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for n := 0; n < 300; n++ {
		var a []string
		for i := rng.Intn(30); i > 0; i-- {
			a = append(a, fmt.Sprintf("l%d\n", rng.Intn(8)))
		}
		b := append([]string(nil), a...)
		for i := rng.Intn(5); i > 0; i-- {
			p := rng.Intn(len(b) + 1)
			switch rng.Intn(3) {
			case 0:
				b = append(b[:p], append([]string{fmt.Sprintf("n%d\n", rng.Intn(8))}, b[p:]...)...)
			default:
				if p < len(b) {
					b = append(b[:p], b[p+1:]...)
				}
			}
		}
		old, cur := strings.Join(a, ""), strings.Join(b, "")
		if rng.Intn(4) == 0 {
			cur = strings.TrimSuffix(cur, "\n")
		}
		d := unifiedDiff("a/x", "b/x", old, cur)
		if (d == "") != (old == cur) {
			t.Fatalf("diff %q of %q and %q", d, old, cur)
		}
		if d != "" {
			if got := applyUnified(t, old, d); got != cur {
				t.Fatalf("%q patched with\n%s\ngives %q, want %q", old, d, got, cur)
			}
		}
	}
}

// TestParsePrintFiles: --print of many files, each parsed into memory the
// file before it left (printFiles), prints what the path that keeps every
// tree prints (--stats takes that one), syntax errors included.
func TestParsePrintFiles(t *testing.T) {
	var files []string
	for _, dir := range []string{"valid", "invalid"} {
		more, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "parse", dir, "*.nix"))
		files = append(files, more...)
	}
	if len(files) < 100 {
		t.Fatalf("only %d corpus files", len(files))
	}
	code, out, _ := runCLI(append([]string{"parse", "--print"}, files...)...)
	wantCode, want, _ := runCLI(append([]string{"parse", "--print", "--stats"}, files...)...)
	if code != wantCode || out != want {
		t.Errorf("exit %d, want %d; output differs: %d bytes, want %d", code, wantCode, len(out), len(want))
	}
	if code != 1 || !strings.Contains(out, "# "+files[len(files)-1]+"\n") {
		t.Errorf("exit %d (want 1: the invalid files), or the last file is not printed", code)
	}
}
