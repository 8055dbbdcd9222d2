package microvm

import "testing"

// TestIsFlakeURL: the substring search before the pattern rejects nothing
// the pattern matches.
func TestIsFlakeURL(t *testing.T) {
	for url, want := range map[string]bool{
		"github:microvm-nix/microvm.nix":               true,
		"github:astro/microvm.nix/v0.5.0":              true,
		"git+https://example.org/me/MicroVM.NIX?ref=x": true,
		"github:Someone/MICROVM.nix":                   true,
		"path:/src/microvm.nix":                        true,
		"github:nixos/nixpkgs":                         false,
		"github:me/microvm-nix":                        false,
		"microvm.nix":                                  false,
		"github:/microvm.nix":                          false,
		"":                                             false,
	} {
		if got := IsFlakeURL(url); got != want || got != flakeURL().MatchString(url) {
			t.Errorf("IsFlakeURL(%q) = %v, want %v (pattern: %v)", url, got, want, flakeURL().MatchString(url))
		}
	}
}
