package analysis

import (
	"strings"
	"testing"

	"github.com/nix-community/go-nix/pkg/nixhash"
)

// TestValidHashRemembers: validHash answers as parseHash does, asked once
// or again, whatever algorithm each asks for: a hash valid for one
// algorithm is not taken for another, nor for none.
func TestValidHashRemembers(t *testing.T) {
	sha256, sha512, sha1 := nixhash.SHA256, nixhash.SHA512, nixhash.SHA1
	algos := []*nixhash.Algorithm{&sha256, nil, &sha512, &sha1}
	texts := []string{
		"sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		strings.Repeat("a", 64),  // base16 of SHA-256 without its algorithm
		strings.Repeat("0", 52),  // nix-base32 of SHA-256
		strings.Repeat("0", 103), // nix-base32 of SHA-512
		strings.Repeat("a", 40),  // base16 of SHA-1
		"sha256:" + strings.Repeat("0", 52),
		"sha512-AAAA",
		"not a hash",
	}
	valid := 0
	for round := 0; round < 3; round++ {
		for i := range algos {
			// Each round asks in another order of the algorithms.
			a := algos[(i+round)%len(algos)]
			for _, s := range texts {
				_, err := parseHash(s, a)
				if got, want := validHash(s, a), err == nil; got != want {
					t.Errorf("round %d: validHash(%q, %v) = %v, parseHash says %v", round, s, a, got, want)
				}
				if err == nil && round == 0 {
					valid++
				}
			}
		}
	}
	if valid < 4 || valid == len(texts)*len(algos) {
		t.Errorf("%d of %d pairs valid: the test tells too little", valid, len(texts)*len(algos))
	}
}
