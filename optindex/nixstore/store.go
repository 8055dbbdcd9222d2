// Package nixstore computes where Nix puts fixed-output sources, without
// running Nix: the store path of a source tree from its NAR hash, and the
// directory that path occupies on disk when the store sits under a root
// directory (as with Nix's --store local?root=DIR). It imports only the
// standard library and go-nix.
package nixstore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nix-community/go-nix/pkg/nixbase32"
	"github.com/nix-community/go-nix/pkg/nixhash"
	"github.com/nix-community/go-nix/pkg/storepath"
)

// DefaultDir is the store directory when NIX_STORE_DIR is not set.
const DefaultDir = storepath.StoreDir

// Store is a Nix store as seen from outside: its logical directory, which
// store paths name, and the root directory it physically sits under.
type Store struct {
	Dir  string // logical store directory, /nix/store by default
	Root string // physical root ("" for /): Dir's files live at Root+Dir
}

// Default returns the store named by NIX_STORE_DIR (or /nix/store), under
// root ("" for none).
func Default(root string) Store {
	dir := os.Getenv("NIX_STORE_DIR")
	if dir == "" {
		dir = DefaultDir
	}
	return Store{Dir: strings.TrimRight(dir, "/"), Root: root}
}

// SourcePath returns the store path that Nix gives a source tree whose NAR
// hash is narHash (SRI "sha256-...", or "sha256:" with base16, nix-base32 or
// base64) and whose name is name ("source" for flake inputs unless
// locked.name says otherwise): the path of a recursive sha256 fixed output.
func (s Store) SourcePath(narHash, name string) (string, error) {
	algo := nixhash.SHA256
	h, err := nixhash.ParseAny(narHash, &algo)
	if err != nil {
		return "", fmt.Errorf("NAR hash %q: %v", narHash, err)
	}
	if h.Algo() != nixhash.SHA256 {
		return "", fmt.Errorf("NAR hash %q: only sha256 is supported", narHash)
	}
	if err := storepath.Validate(storepath.StoreDir + "/" + strings.Repeat("0", 32) + "-" + name); err != nil {
		return "", fmt.Errorf("store path name %q: %v", name, err)
	}
	fingerprint := "source:sha256:" + hex.EncodeToString(h.Digest()) + ":" + s.Dir + ":" + name
	sum := sha256.Sum256([]byte(fingerprint))
	return s.Dir + "/" + nixbase32.EncodeToString(nixhash.CompressHash(sum[:], 20)) + "-" + name, nil
}

// Physical returns where a store path (or a path below one) lives on disk.
func (s Store) Physical(storePath string) string {
	if s.Root == "" {
		return storePath
	}
	return filepath.Join(s.Root, storePath)
}
