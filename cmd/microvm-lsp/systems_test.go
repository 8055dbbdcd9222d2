package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// writeFixture writes an analysis fixture's files below a temporary directory.
func writeFixture(t *testing.T, name string) string {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "analysis", name))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func systemsJSON(t *testing.T, dir string) map[string]map[string]any {
	t.Helper()
	code, out, errOut := runCLI("systems", "--format", "json", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	return systemsJSONText(t, out)
}

// systemsJSONText reads the output of systems --format json by name.
func systemsJSONText(t *testing.T, out string) map[string]map[string]any {
	t.Helper()
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	byName := map[string]map[string]any{}
	for _, s := range list {
		for _, k := range []string{"name", "wiring", "file", "line", "role", "guestEnable", "hostEnable", "closure", "unknown", "guests"} {
			if _, ok := s[k]; !ok {
				t.Errorf("system %v has no %q", s["name"], k)
			}
		}
		byName[s["name"].(string)] = s
	}
	return byName
}

func TestSystemsJSONReadDirMap(t *testing.T) {
	got := systemsJSON(t, writeFixture(t, "wiring-readdir-map.txtar"))
	if len(got) != 2 {
		t.Fatalf("want the systems furnace and kiln, got %v", got)
	}
	if r := got["furnace"]["role"]; r != "both" {
		t.Errorf("furnace: role %v, want both", r)
	}
	if r := got["kiln"]["role"]; r != "host" {
		t.Errorf("kiln: role %v, want host", r)
	}
	if c := got["kiln"]["closure"]; c != "complete" {
		t.Errorf("kiln: closure %v, want complete", c)
	}
	if f := got["kiln"]["file"].(string); !strings.HasSuffix(f, "flake.nix") || got["kiln"]["line"].(float64) != 10 {
		t.Errorf("kiln declared at %v:%v, want flake.nix:10", f, got["kiln"]["line"])
	}
}

func TestSystemsJSONPartialAndGuests(t *testing.T) {
	got := systemsJSON(t, writeFixture(t, "wiring-concat-unknown.txtar"))
	sp := got["spindle"]
	if sp == nil {
		t.Fatalf("no system spindle in %v", got)
	}
	if sp["role"] != "both" || sp["closure"] != "partial" {
		t.Errorf("spindle: role %v closure %v, want both and partial", sp["role"], sp["closure"])
	}
	unknown := sp["unknown"].([]any)
	if len(unknown) != 1 || unknown[0].(map[string]any)["line"].(float64) != 14 {
		t.Errorf("spindle: unknown %v, want the concatenated list at flake.nix:14", unknown)
	}

	got = systemsJSON(t, writeFixture(t, "vm-config-nested-path.txtar"))
	q := got["quarry"]
	if q == nil || q["role"] != "host" {
		t.Fatalf("quarry: %v", q)
	}
	guests := map[string]string{}
	for _, g := range q["guests"].([]any) {
		m := g.(map[string]any)
		guests[m["name"].(string)] = m["source"].(string)
	}
	if guests["sieve"] != "config" || guests["mortar"] != "config" || guests["empty"] != "unknown" {
		t.Errorf("quarry's guests: %v", guests)
	}
	if s := got["sieve"]; s == nil || s["role"] != "guest" || s["wiring"] != "vm" {
		t.Errorf("sieve: %v, want a vm with role guest", s)
	}
	if _, ok := got["configuration"]; ok {
		t.Errorf("the VM's configuration.nix is listed as a system of its own")
	}
}

// TestSystemsJSONDarwin: nix-darwin systems and home-manager configurations
// are listed with their kind and the role none (the contract's roles), and
// the text says what they are.
func TestSystemsJSONDarwin(t *testing.T) {
	dir := writeFixture(t, "wiring-darwin.txtar")
	got := systemsJSON(t, dir)
	for name, kind := range map[string]string{"studio": "darwin", "lapwing": "darwin", "atelier": "darwin", "pat": "home", "hearth": "nixos"} {
		s := got[name]
		if s == nil {
			t.Errorf("no system %s in %v", name, got)
			continue
		}
		if s["kind"] != kind {
			t.Errorf("%s: kind %v, want %s", name, s["kind"], kind)
		}
		if kind != "nixos" && (s["role"] != "none" || len(s["guests"].([]any)) != 0) {
			t.Errorf("%s: role %v, guests %v; want none and none", name, s["role"], s["guests"])
		}
	}
	var out, errOut strings.Builder
	if code := runSystems([]string{dir}, &out, &errOut); code != 0 {
		t.Fatalf("systems: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "studio (darwinSystem): role none (a nix-darwin system)") ||
		!strings.Contains(out.String(), "pat (homeManagerConfiguration): role none (a home-manager configuration)") {
		t.Errorf("text output:\n%s", out.String())
	}
}
