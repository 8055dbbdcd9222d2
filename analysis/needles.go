package analysis

import (
	"bytes"
	"slices"
	"strings"
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

// The groups of words findNeedles answers for, as bits.
const (
	groupMicrovm uint8 = 1 << iota
	groupDeclares
	groupHome
	groupTokens
	allGroups = groupMicrovm | groupDeclares | groupHome | groupTokens
)

// needleWords are every word findNeedles looks for.
var needleWords = slices.Concat([][]byte{microvmWord}, declareWords, homeWords, rootWords)

// rarity lists the bytes of the words by how often they occur in real Nix
// sources, rarest first (measured on tens of thousands of files of public
// configurations: ':' is 0.2 % of their bytes, 'e' 4.4 %). Each word is
// looked for where its rarest byte but its last, its anchor, is followed
// by the word's next byte.
const rarity = ":zFOM-SHCPExwvykfbh.mugdcplonaistre"

// anchored is a word and where its anchor is in it.
type anchored struct {
	word  []byte
	at    int
	group uint8
}

// The words by anchor (nil for most bytes), and the pairs of an anchor
// and the byte after it in some word, as bits (8 KB, always in cache).
var anchors, pairs = func() (t [256][]anchored, ps [1 << 16 / 64]uint64) {
	add := func(group uint8, words [][]byte) {
		for _, w := range words {
			at := 0
			for i := range w[:len(w)-1] {
				if rank(w[i]) < rank(w[at]) {
					at = i
				}
			}
			t[w[at]] = append(t[w[at]], anchored{w, at, group})
			p := uint(w[at])<<8 | uint(w[at+1])
			ps[p>>6] |= 1 << (p & 63)
		}
	}
	add(groupMicrovm, [][]byte{microvmWord})
	add(groupDeclares, declareWords)
	add(groupHome, homeWords)
	add(groupTokens, rootWords)
	return t, ps
}()

// rank is the place of b in rarity (a byte it does not list is the
// commonest).
func rank(b byte) int {
	if i := strings.IndexByte(rarity, b); i >= 0 {
		return i
	}
	return len(rarity)
}

// findNeedles looks for the words above in one pass over the bytes: every
// occurrence of a word holds its anchor pair, and the pass compares words
// only where a pair of bytes is one (a few in a thousand of a Nix
// source's). A vectorised search per word (bytes.Contains) took a pass per
// word, twenty in all, and three times as long (64 MB of real sources:
// 225 against 69 ms).
func findNeedles(src []byte) sourceNeedles {
	var found uint8
	for i := 0; i+1 < len(src); i++ {
		p := uint(src[i])<<8 | uint(src[i+1])
		if pairs[p>>6]&(1<<(p&63)) == 0 {
			continue
		}
		for _, a := range anchors[src[i]] {
			if found&a.group == 0 && i >= a.at && bytes.HasPrefix(src[i-a.at:], a.word) {
				found |= a.group
			}
		}
		if found == allGroups {
			break
		}
	}
	return sourceNeedles{
		microvm:     found&groupMicrovm != 0,
		declares:    found&groupDeclares != 0,
		foreignHome: found&groupHome != 0,
		tokens:      found&groupTokens != 0,
	}
}

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
