package main

import (
	"crypto/sha256"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
	"github.com/nix-community/go-nix/pkg/nar"
)

// TestSystemsFollowInputSources: with the source flake.lock pins for an
// input in a store under --store-root, systems whose host module comes
// from that input are hosts; without the store they are not, and the
// modules of the input that was never fetched leave the closure partial.
func TestSystemsFollowInputSources(t *testing.T) {
	dir := writeFixture(t, "wiring-input-modules.txtar")
	root, hash := intoStore(t, filepath.Join(dir, "store-input", "forge"))
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

// TestSourceLinkToDevice: a file of an input's source is read only when it
// is a regular file: a source may hold a link to anything, and a module
// taken from one that links to /dev/zero was read until memory ran out.
// The system that takes it is partial, and the command ends.
func TestSourceLinkToDevice(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "forge")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(src, "zero.nix")); err != nil {
		t.Fatal(err)
	}
	root, hash := intoStore(t, src)
	lock := `{"version": 7, "root": "root", "nodes": {
  "forge": {"locked": {"type": "github", "owner": "someone", "repo": "forge", "rev": "1", "narHash": "` + hash + `"}, "original": {"type": "github", "owner": "someone", "repo": "forge"}},
  "root": {"inputs": {"forge": "forge"}}}}`
	flake := `{
  inputs.forge.url = "github:someone/forge";
  outputs = { nixpkgs, forge, ... }: {
    nixosConfigurations.anvil = nixpkgs.lib.nixosSystem { modules = [ (forge + "/zero.nix") ]; };
  };
}
`
	for name, text := range map[string]string{"flake.lock": lock, "flake.nix": flake} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	type result struct {
		code      int
		out, errs string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errs := runCLI("systems", "--format", "json", "--store-root", root, dir)
		done <- result{code, out, errs}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(time.Minute): // milliseconds once the link is not read
		t.Fatal("systems did not end")
	}
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errs)
	}
	if s := systemsJSONText(t, r.out)["anvil"]; s == nil || s["closure"] != "partial" {
		t.Errorf("anvil takes its module from a link to /dev/zero: %v, want partial", s)
	}
}

// intoStore moves the directory src into a store under a new root, where a
// flake.lock that pins it by the NAR hash returned finds it as a source.
func intoStore(t *testing.T, src string) (root, hash string) {
	t.Helper()
	h := sha256.New()
	if err := nar.DumpPath(h, src); err != nil {
		t.Fatal(err)
	}
	hash = "sha256-" + base64.StdEncoding.EncodeToString(h.Sum(nil))
	root = t.TempDir()
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
	return root, hash
}
