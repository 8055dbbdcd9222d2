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
