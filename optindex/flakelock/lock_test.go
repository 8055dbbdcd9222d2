package flakelock

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lockText has one input of every type, a follows path, a dir= and a
// locked.name, as Nix writes version 7 locks.
const lockText = `{
  "nodes": {
    "gh": {
      "inputs": { "nixpkgs": ["pkgs"], "utils": "utils" },
      "locked": { "lastModified": 1700000000, "narHash": "sha256-Gyo8TV5veoucDR4vOktcbX6PmgscLT5PWmt8jZ4PGis=",
        "owner": "example", "repo": "vms", "rev": "0123456789abcdef0123456789abcdef01234567", "type": "github" },
      "original": { "owner": "example", "repo": "vms", "type": "github" }
    },
    "gl": {
      "locked": { "narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "owner": "grp", "repo": "proj",
        "rev": "1111111111111111111111111111111111111111", "type": "gitlab", "host": "gitlab.example.org" },
      "original": { "owner": "grp", "repo": "proj", "type": "gitlab" }
    },
    "srht": {
      "locked": { "narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "owner": "~someone", "repo": "thing",
        "rev": "2222222222222222222222222222222222222222", "type": "sourcehut" },
      "original": { "owner": "~someone", "repo": "thing", "type": "sourcehut" }
    },
    "gitin": {
      "locked": { "narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "ref": "main",
        "rev": "3333333333333333333333333333333333333333", "type": "git", "url": "https://git.example.org/repo.git?dir=sub/flake" },
      "original": { "type": "git", "url": "https://git.example.org/repo.git?dir=sub/flake" }
    },
    "local": {
      "locked": { "narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "path": "./vendor/local", "type": "path" },
      "original": { "path": "./vendor/local", "type": "path" }
    },
    "tar": {
      "flake": false,
      "locked": { "narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "type": "tarball", "name": "named-src",
        "url": "https://example.org/archive.tar.gz" },
      "original": { "type": "tarball", "url": "https://example.org/archive.tar.gz" }
    },
    "pkgs": {
      "locked": { "narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "owner": "NixOS", "repo": "nixpkgs",
        "rev": "4444444444444444444444444444444444444444", "type": "github", "dir": "lib" },
      "original": { "id": "nixpkgs", "type": "indirect" }
    },
    "utils": {
      "locked": { "narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "owner": "u", "repo": "utils",
        "rev": "5555555555555555555555555555555555555555", "type": "github" },
      "original": { "owner": "u", "repo": "utils", "type": "github" }
    },
    "root": {
      "inputs": { "gh": "gh", "gl": "gl", "srht": "srht", "gitin": "gitin", "local": "local", "tar": "tar",
        "pkgs": "pkgs", "utils2": ["gh", "utils"] }
    }
  },
  "root": "root",
  "version": 7
}`

func TestParseEveryInputType(t *testing.T) {
	l, err := Parse([]byte(lockText))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, in := range l.RootInputs() {
		got[in.Name()] = in.Node + " " + in.Ref.Type + " " + in.Ref.String() + " " + in.Ref.StoreName()
	}
	want := map[string]string{
		"gh":     "gh github github:example/vms/0123456789abcdef0123456789abcdef01234567 source",
		"gl":     "gl gitlab gitlab:grp/proj/1111111111111111111111111111111111111111 source",
		"srht":   "srht sourcehut sourcehut:~someone/thing/2222222222222222222222222222222222222222 source",
		"gitin":  "gitin git git+https://git.example.org/repo.git?rev=3333333333333333333333333333333333333333&dir=sub/flake source",
		"local":  "local path path:./vendor/local source",
		"tar":    "tar tarball https://example.org/archive.tar.gz named-src",
		"pkgs":   "pkgs github github:NixOS/nixpkgs/4444444444444444444444444444444444444444?dir=lib source",
		"utils2": "utils github github:u/utils/5555555555555555555555555555555555555555 source",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("input %s:\n got %s\nwant %s", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d inputs, want %d: %v", len(got), len(want), got)
	}
	if l.Nodes["gitin"].Locked.Dir != "sub/flake" {
		t.Errorf("dir= in a git URL: got %q", l.Nodes["gitin"].Locked.Dir)
	}
	if l.Nodes["tar"].Flake {
		t.Error("flake = false was not read")
	}
	if l.Nodes["pkgs"].Original.ID() != "nixpkgs" {
		t.Errorf("indirect id: %q", l.Nodes["pkgs"].Original.ID())
	}
}

func TestFollows(t *testing.T) {
	l, err := Parse([]byte(lockText))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"gh/nixpkgs": "pkgs",  // follows ["pkgs"]
		"gh/utils":   "utils", // a node key
		"utils2":     "utils", // follows ["gh", "utils"]
	} {
		got, err := l.Resolve(strings.Split(path, "/"))
		if err != nil || got != want {
			t.Errorf("Resolve(%s) = %q, %v; want %q", path, got, err, want)
		}
	}
	if _, err := l.Resolve([]string{"gh", "nope"}); err == nil {
		t.Error("a missing input resolved")
	}
	loop := `{"version": 7, "root": "root", "nodes": {"root": {"inputs": {"a": ["b"], "b": ["a"]}}}}`
	l, err = Parse([]byte(loop))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Resolve([]string{"a"}); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Errorf("a follows loop: %v", err)
	}
}

// TestFollowsThroughEachOther: in a lock whose input i<j> follows
// ["i<j+1>", "i<j+1>"], and whose last node's inputs follow the root's
// again, every path leads through the next one twice: resolved afresh each
// time, 60 levels are 2^60 resolutions (22 took a second), and a server that
// reads such a lock never answers. Each follows path is resolved once.
func TestFollowsThroughEachOther(t *testing.T) {
	const levels = 60
	rootIn := map[string]any{fmt.Sprintf("i%d", levels): "leaf"}
	leafIn := map[string]any{}
	for j := 0; j < levels; j++ {
		next := fmt.Sprintf("i%d", j+1)
		rootIn[fmt.Sprintf("i%d", j)] = []string{next, next}
		leafIn[next] = []string{next}
	}
	data, err := json.Marshal(map[string]any{"version": 7, "root": "root", "nodes": map[string]any{
		"root": map[string]any{"inputs": rootIn},
		"leaf": map[string]any{"inputs": leafIn, "locked": map[string]any{"type": "path", "path": "/x"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if key, err := l.Resolve([]string{"i0"}); key != "leaf" || err != nil {
			t.Errorf("Resolve(i0) = %q, %v; want leaf", key, err)
		}
		if got := l.RootInputs(); len(got) != levels+1 {
			t.Errorf("%d root inputs resolved, want %d", len(got), levels+1)
		}
	}()
	select {
	case <-done:
	case <-time.After(time.Minute): // microseconds once each path is resolved once
		t.Fatal("Resolve did not return")
	}
}

func TestVersions(t *testing.T) {
	for v, ok := range map[string]bool{"4": false, "5": true, "6": true, "7": true, "8": false} {
		_, err := Parse([]byte(`{"version": ` + v + `, "root": "root", "nodes": {"root": {"inputs": {}}}}`))
		if (err == nil) != ok {
			t.Errorf("version %s: err = %v", v, err)
		}
	}
	for _, bad := range []string{``, `[]`, `{"version": 7}`, `{"version": 7, "root": "r", "nodes": {"r": {"inputs": {"x": 3}}}}`,
		`{"version": 7, "root": "root", "nodes": {"root": {}, "x": {"locked": {}}}}`} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

// TestReadRefusesDevices: a workspace may hold anything named flake.lock; a
// link to /dev/zero was read until memory ran out. Only a regular file is
// read, and only up to maxLockSize.
func TestReadRefusesDevices(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "flake.lock")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Read(link)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Read of a link to /dev/zero: %v", err)
		}
	case <-time.After(time.Minute): // at once when the device is not read
		t.Fatal("Read did not return")
	}
	big := filepath.Join(dir, "big.lock")
	if err := os.WriteFile(big, make([]byte, maxLockSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(big); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("Read of a lock over the bound: %v", err)
	}
}
