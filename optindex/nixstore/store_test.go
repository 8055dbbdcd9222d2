package nixstore

import (
	"encoding/base64"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nix-community/go-nix/pkg/nixbase32"
)

const sri = "sha256-Gyo8TV5veoucDR4vOktcbX6PmgscLT5PWmt8jZ4PGis="

// TestSourcePathMatchesNix asks Nix for the path of a recursive sha256
// fixed output and compares. Under CI=true a missing nix-store fails.
func TestSourcePathMatchesNix(t *testing.T) {
	nixStore, err := exec.LookPath("nix-store")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("nix-store is not installed (.ci/run installs nix-bin)")
		}
		t.Skip("nix-store is not installed")
	}
	digest, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(sri, "sha256-"))
	for _, name := range []string{"source", "named-src"} {
		cmd := exec.Command(nixStore, "--print-fixed-path", "--recursive", "sha256", hex.EncodeToString(digest), name)
		cmd.Env = append(os.Environ(), "NIX_REMOTE=", "NIX_STORE_DIR=/nix/store")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("nix-store: %v", err)
		}
		want := strings.TrimSpace(string(out))
		got, err := Store{Dir: "/nix/store"}.SourcePath(sri, name)
		if err != nil || got != want {
			t.Errorf("SourcePath(%s) = %q, %v; nix-store says %q", name, got, err, want)
		}
	}
}

func TestSourcePathHashForms(t *testing.T) {
	digest, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(sri, "sha256-"))
	s := Store{Dir: "/nix/store"}
	want, err := s.SourcePath(sri, "source")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"sha256:" + hex.EncodeToString(digest), "sha256:" + nixbase32.EncodeToString(digest)} {
		if got, err := s.SourcePath(h, "source"); err != nil || got != want {
			t.Errorf("SourcePath(%s) = %q, %v; want %q", h, got, err, want)
		}
	}
	other, _ := Store{Dir: "/var/store"}.SourcePath(sri, "source")
	if !strings.HasPrefix(other, "/var/store/") || filepath.Base(other) == filepath.Base(want) {
		t.Errorf("the store directory is part of the fingerprint: %s vs %s", other, want)
	}
	for _, bad := range []string{"", "sha256-xyz", "md5-AAAAAAAAAAAAAAAAAAAAAA==", "sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA="} {
		if _, err := s.SourcePath(bad, "source"); err == nil {
			t.Errorf("SourcePath(%q) succeeded", bad)
		}
	}
	if _, err := s.SourcePath(sri, "bad name/x"); err == nil {
		t.Error("an invalid store path name was accepted")
	}
}

func TestDefaultAndPhysical(t *testing.T) {
	t.Setenv("NIX_STORE_DIR", "/gnu/store/")
	s := Default("/chroot")
	if s.Dir != "/gnu/store" || s.Root != "/chroot" {
		t.Errorf("Default = %+v", s)
	}
	if got := s.Physical("/gnu/store/abc-source"); got != "/chroot/gnu/store/abc-source" {
		t.Errorf("Physical = %s", got)
	}
	t.Setenv("NIX_STORE_DIR", "")
	if s := Default(""); s.Dir != "/nix/store" || s.Physical("/nix/store/x") != "/nix/store/x" {
		t.Errorf("Default without NIX_STORE_DIR = %+v", s)
	}
}
