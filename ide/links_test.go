package ide

import (
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func TestLinks(t *testing.T) {
	src := `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  homepage = "see https://example.org/docs, please";
  imports = [ ./hosts/a ./b.nix ./missing.nix ];
}`
	ws := &Workspace{Files: map[string]*nixast.File{
		"/ws/hosts/a/default.nix": nixast.Parse("/ws/hosts/a/default.nix", []byte("{ }")),
	}, Exists: func(p string) bool { return p == "/ws/b.nix" }}
	f := nixast.Parse("/ws/flake.nix", []byte(src))
	got := map[string]string{}
	for _, l := range Links(ws, f) {
		target := l.URL
		if l.File != "" {
			target = l.File
		}
		got[string(f.Src[l.Pos:l.End])] = target
	}
	want := map[string]string{
		"github:microvm-nix/microvm.nix":      "https://github.com/microvm-nix/microvm.nix",
		"github:NixOS/nixpkgs/nixos-unstable": "https://github.com/NixOS/nixpkgs/tree/nixos-unstable",
		"https://example.org/docs":            "https://example.org/docs",
		"./hosts/a":                           "/ws/hosts/a/default.nix",
		"./b.nix":                             "/ws/b.nix",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s -> %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("links: %v", got)
	}
}

// TestLinksLookOnceForAPath: a path written many times is looked for on
// disk once (a file of a million paths took a million stats).
func TestLinksLookOnceForAPath(t *testing.T) {
	looked := 0
	ws := &Workspace{Files: map[string]*nixast.File{}, Exists: func(p string) bool { looked++; return p == "/ws/b.nix" }}
	f := nixast.Parse("/ws/f.nix", []byte("[ "+strings.Repeat("./b.nix ./missing.nix ", 100)+"]"))
	if links := Links(ws, f); len(links) != 100 {
		t.Errorf("%d links, want 100", len(links))
	}
	// Each path: its default.nix, then itself when that is missing.
	if looked != 4 {
		t.Errorf("%d lookups on disk, want 4", looked)
	}
}
