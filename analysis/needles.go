package analysis

import (
	"bytes"
	"slices"
)

// sourceNeedles is what a search of a file's bytes finds of the words the
// per-file scan (fileMemo.scan) looks for. Most files of a large workspace
// mention none of them.
type sourceNeedles struct {
	microvm     bool // mentions microvm
	declares    bool // mayDeclareOptions
	foreignHome bool // namesForeignHomeModules
	// tokens: a word the token scan looks for is in the source (an
	// identifier that declares systems, a suppression comment, a path to
	// a configuration.nix), so the scan must read the tokens.
	tokens bool
}

// rootIdentList are the identifiers that make a file one the module graph
// scans for systems (it may declare them).
var rootIdentList = []string{
	"nixosSystem", "nixosConfigurations", "mkFlake", // mkFlake: frameworks that find hosts by convention
	"colmena", "makeHive", "buildClan", "clan", "easy-hosts", "ezConfigs", // wiring_frameworks.go
	"darwinSystem", "darwinConfigurations", "homeManagerConfiguration", "homeConfigurations", // wiring_classes.go
}

var rootIdents = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range rootIdentList {
		m[w] = true
	}
	return m
}()

// The words findNeedles looks for. rootWords are those the token scan of
// fileMemo.scan matches: the identifiers above, a suppression comment's
// marker and a path to a configuration.nix.
var (
	rootWords = func() [][]byte {
		var out [][]byte
		for _, w := range slices.Concat(rootIdentList, []string{"microvm-lsp:", "configuration.nix"}) {
			out = append(out, []byte(w))
		}
		return out
	}()
	declareWords = [][]byte{[]byte("mkOption"), []byte("mkEnableOption"), []byte("mkPackageOption"), []byte("OptionModule")}
	homeWords    = [][]byte{[]byte("homeManagerModules"), []byte("homeModules"), []byte("hmModules")}
	microvmWord  = []byte("microvm")
)

// rootFilters are parts of the rootWords that start with bytes rarer in
// Nix source than the words' own first bytes: each rootWord holds one
// (TestRootFiltersCoverRootWords), and a source without any holds no
// rootWord. bytes.Contains runs fastest on such needles.
var rootFilters = [][]byte{
	[]byte("System"), []byte("Config"), []byte("Flake"), []byte("colmena"), []byte("Hive"), []byte("Clan"), []byte("clan"),
	[]byte("easy-hosts"), []byte("-lsp:"), []byte("uration.nix"),
}

// findNeedles looks for the words above. A search per word costs less
// than a loop over the bytes in Go (bytes.Contains is vectorised), and a
// filter spares most files most searches: every option maker's name holds
// "Option", every home-manager module set's "Modules".
func findNeedles(src []byte) sourceNeedles {
	return sourceNeedles{
		microvm:     bytes.Contains(src, microvmWord),
		declares:    bytes.Contains(src, []byte("Option")) && containsWord(src, declareWords),
		foreignHome: bytes.Contains(src, []byte("Modules")) && containsWord(src, homeWords),
		tokens:      containsWord(src, rootFilters) && containsWord(src, rootWords),
	}
}

// needleWords are every word findNeedles looks for.
var needleWords = slices.Concat([][]byte{microvmWord, []byte("Option"), []byte("Modules")}, declareWords, homeWords, rootFilters, rootWords)

// sameNeedles reports whether two versions of a file surely give the same
// sourceNeedles: where they differ, neither names a word findNeedles looks
// for, not even in part.
func sameNeedles(a, b []byte) bool {
	pre := commonPrefix(a, b)
	suf := commonSuffix(a[pre:], b[pre:])
	for _, w := range needleWords {
		if touches(a, pre, len(a)-suf, w) || touches(b, pre, len(b)-suf, w) {
			return false
		}
	}
	return true
}

// touches reports whether an occurrence of w in src overlaps [from, to).
func touches(src []byte, from, to int, w []byte) bool {
	lo, hi := max(0, from-len(w)+1), min(len(src), to+len(w)-1)
	return lo < hi && bytes.Contains(src[lo:hi], w)
}

// commonPrefix returns the length of the longest prefix a and b share.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	// whole chunks by the runtime's vectorised comparison first
	for chunk := 4096; i+chunk <= n && bytes.Equal(a[i:i+chunk], b[i:i+chunk]); i += chunk {
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// commonSuffix returns the length of the longest suffix a and b share.
func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for chunk := 4096; i+chunk <= n && bytes.Equal(a[len(a)-i-chunk:len(a)-i], b[len(b)-i-chunk:len(b)-i]); i += chunk {
	}
	for i < n && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return i
}
