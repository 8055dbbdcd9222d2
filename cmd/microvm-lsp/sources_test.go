package main

import (
	"crypto/sha256"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
	"github.com/nix-community/go-nix/pkg/nar"
)

// TestSystemsFollowInputSources: with the source flake.lock pins for an
// input in a store under --store-root, systems whose host module comes
// from that input are hosts; without the store they are not, and the
// modules of the input that was never fetched leave the closure partial.
func TestSystemsFollowInputSources(t *testing.T) {
	dir := writeFixture(t, "wiring-input-modules.txtar")
	src := filepath.Join(dir, "store-input", "forge")
	h := sha256.New()
	if err := nar.DumpPath(h, src); err != nil {
		t.Fatal(err)
	}
	hash := "sha256-" + base64.StdEncoding.EncodeToString(h.Sum(nil))
	root := t.TempDir()
	store := nixstore.Store{Dir: "/nix/store", Root: root}
	p, err := store.SourcePath(hash, "source")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(store.Physical(p)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(src, store.Physical(p)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "store-input")); err != nil {
		t.Fatal(err)
	}
	gone := "sha256-" + base64.StdEncoding.EncodeToString(make([]byte, 32))
	lock := `{"version": 7, "root": "root", "nodes": {
  "forge": {"locked": {"type": "github", "owner": "someone", "repo": "forge", "rev": "1", "narHash": "` + hash + `"}, "original": {"type": "github", "owner": "someone", "repo": "forge"}},
  "vault": {"locked": {"type": "github", "owner": "someone", "repo": "vault", "rev": "2", "narHash": "` + gone + `"}, "original": {"type": "github", "owner": "someone", "repo": "vault"}},
  "root": {"inputs": {"forge": "forge", "vault": "vault"}}}}`
	if err := os.WriteFile(filepath.Join(dir, "flake.lock"), []byte(lock), 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCLI("systems", "--format", "json", "--store-root", root, dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	with := systemsJSONText(t, out)
	for _, n := range []string{"anvil", "bellows", "crucible"} {
		if s := with[n]; s == nil || s["role"] != "host" || s["closure"] != "complete" || len(s["guests"].([]any)) != 1 {
			t.Errorf("%s with the store: %v, want a complete host with the guest kiln", n, s)
		}
	}
	if s := with["damper"]; s == nil || s["closure"] != "partial" {
		t.Errorf("damper takes a module from an absent source: %v, want partial", s)
	}

	without := systemsJSON(t, dir)
	if s := without["anvil"]; s == nil || s["role"] != "none" {
		t.Errorf("anvil without the store: %v, want role none", s)
	}
}
