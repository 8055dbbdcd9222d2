package analysis

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/nix-community/go-nix/pkg/nixhash"
	"github.com/nix-community/go-nix/pkg/storepath"
)

// InvalidNixHash reports hash attributes whose string is not a Nix hash.
var InvalidNixHash = &Analyzer{
	Name: CodeInvalidNixHash,
	Doc: "The string value of an attribute named hash, sha256, sha512, outputHash or ending in Hash " +
		"(vendorHash, cargoHash, npmDepsHash…) is not a hash Nix can parse: an SRI hash (sha256-…=), or " +
		"base16, nix-base32 or base64 of the right length when the algorithm is known from the attribute name " +
		"(sha256, sha512, or outputHashAlgo next to outputHash) or written as a prefix (sha256:…). The " +
		"placeholders \"\" and lib.fakeHash are accepted. When a hash without algorithm is a valid SHA-256, " +
		"the fix writes it in SRI form.",
	Codes:    []Code{{Name: CodeInvalidNixHash, Short: "A hash attribute holds a string that is not a hash Nix can parse."}},
	Requires: []*Analyzer{valueNodesFact},
	RunFile:  check(runInvalidNixHash),
}

// InvalidStorePath reports /nix/store strings that are not store paths.
var InvalidStorePath = &Analyzer{
	Name: CodeInvalidStorePath,
	Doc: "A string or path literal starts with /nix/store/ but its first component is not a valid store path " +
		"name (32 nix-base32 characters of hash, a dash, and a name of allowed characters). The path cannot " +
		"exist; it was probably shortened or mistyped.",
	Codes:    []Code{{Name: CodeInvalidStorePath, Short: "A literal under /nix/store does not start with a valid store path name."}},
	Requires: []*Analyzer{valueNodesFact},
	RunFile:  check(runInvalidStorePath),
}

// hashAlgo returns the algorithm an attribute name implies; ok is false
// when the name is not a hash attribute.
func hashAlgo(name string) (algo *nixhash.Algorithm, ok bool) {
	switch name {
	case "sha256":
		a := nixhash.SHA256
		return &a, true
	case "sha512":
		a := nixhash.SHA512
		return &a, true
	case "hash", "outputHash":
		return nil, true
	}
	if strings.HasSuffix(name, "Hash") && len(name) > len("Hash") {
		return nil, true
	}
	return nil, false
}

func parseHash(s string, algo *nixhash.Algorithm) (h *nixhash.HashWithEncoding, err error) {
	defer func() {
		if r := recover(); r != nil {
			h, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return nixhash.ParseAny(s, algo)
}

// validHashes remembers the hashes parseHash accepted, by algorithm and
// text: a package set's thousands of hashes were all parsed again on every
// keystroke in it, a quarter of a megabyte of garbage each time.
var validHashes struct {
	sync.Mutex
	m map[hashKey]struct{}
}

type hashKey struct {
	algo string // "" when the name implies none
	text string
}

// maxValidHashes bounds validHashes: past it, it starts again empty.
const maxValidHashes = 1 << 16

// validHash reports whether s is a hash Nix parses, for the algorithm algo
// implies (nil: any, given in s).
func validHash(s string, algo *nixhash.Algorithm) bool {
	k := hashKey{text: s}
	if algo != nil {
		k.algo = algo.String()
	}
	validHashes.Lock()
	_, ok := validHashes.m[k]
	validHashes.Unlock()
	if ok {
		return true
	}
	if _, err := parseHash(s, algo); err != nil {
		return false
	}
	// The text may share memory with a whole source: the memo keeps a
	// copy.
	k.text = strings.Clone(s)
	validHashes.Lock()
	if validHashes.m == nil || len(validHashes.m) >= maxValidHashes {
		validHashes.m = make(map[hashKey]struct{})
	}
	validHashes.m[k] = struct{}{}
	validHashes.Unlock()
	return true
}

// valueNodes are what the value checks read in one file, found by one walk
// of its tree (in the order of nixast.Inspect): the bindings whose name says
// they hold a hash, and the literals that start with /nix/store/.
type valueNodes struct {
	hashes     []hashBinding
	storePaths []nixast.Expr // *nixast.StringLit and *nixast.PathLit
}

type hashBinding struct {
	set *nixast.AttrSet
	as  *nixast.AttrAssign
}

// findValueNodes walks only the nodes whose text holds a place where a hash
// attribute's name or the store directory may be written (valueMarks): in
// a package set with a hash in every package, the walk of every node was a
// sixth of a keystroke's work.
func findValueNodes(f *nixast.File) *valueNodes {
	vn := &valueNodes{}
	marks := valueMarks(f.Src)
	if len(marks) == 0 {
		return vn // most files: no walk of the tree
	}
	walk := markCursor{marks: marks}
	var visit func(n nixast.Node) bool
	visit = func(n nixast.Node) bool {
		if n == nil || !walk.in(n.Pos(), n.End()) {
			return false // nil: after a node's children
		}
		switch x := n.(type) {
		case *nixast.AttrSet:
			// A binding without a mark between the last binding's end and
			// its own is passed over without reading its name: in a
			// package set of 13,000 bindings, reading every name (three
			// pointers away) was most of the walk. The set's hash bindings
			// come before what its bindings hold (the order of a walk of
			// every node).
			var inner []nixast.Binding
			binds, prev := walk, x.Pos()
			for _, b := range x.Bindings {
				end := b.End()
				marked := binds.in(prev, end)
				prev = max(prev, end)
				if !marked {
					continue
				}
				if as, ok := b.(*nixast.AttrAssign); ok && as.Path != nil && isHashBinding(as) {
					vn.hashes = append(vn.hashes, hashBinding{x, as})
				}
				inner = append(inner, b)
			}
			for _, b := range inner {
				nixast.Inspect(b, visit)
			}
			return false
		case *nixast.StringLit:
			if parts := x.Parts; len(parts) > 0 {
				// Stripping removes only spaces at the starts of lines:
				// text that starts with the store directory after it
				// holds it before.
				if t, ok := parts[0].(*nixast.TextPart); ok && strings.Contains(t.Value, storeDir) {
					if x.Indented {
						parts = nixast.StripIndentation(parts)
					}
					if storeText(parts) {
						vn.storePaths = append(vn.storePaths, x)
					}
				}
			}
		case *nixast.PathLit:
			if storeText(x.Parts) {
				vn.storePaths = append(vn.storePaths, x)
			}
		}
		return true
	}
	nixast.Inspect(f.Root, visit)
	return vn
}

// markCursor tells whether spans, met in the order of their starts, hold
// a mark: k, the first mark at or after the last start, only moves on (a
// start before the last one, in a broken file, searches again).
type markCursor struct {
	marks   []int32
	k, last int
}

// in reports whether a mark lies in pos to end (a span whose end is before
// its start, in a broken file, is taken as holding one).
func (c *markCursor) in(pos, end int) bool {
	if end < pos {
		return true
	}
	if pos < c.last {
		c.k, _ = slices.BinarySearch(c.marks, int32(pos))
	}
	for c.last = pos; c.k < len(c.marks) && int(c.marks[c.k]) < pos; c.k++ {
	}
	return c.k < len(c.marks) && int(c.marks[c.k]) < end
}

// valueEscapes are the bytes c whose escape \c in a string stands for c
// and that are part of the store directory or of a hash attribute's name
// (\n, \r and \t stand for other bytes).
const valueEscapes = "/ixsoeha2561H"

// valueWords are texts that every hash attribute's name (hash, Hash,
// sha256, sha512) or the store directory holds, written without escapes.
// Rare ones are found faster: in a 1.5 MB package set, "x/st" in 0.04 ms,
// "/nix/store/" in 0.35 ms (a search starts again after each "/").
var valueWords = [][]byte{[]byte("sh"), []byte("x/st")}

// valueMarks returns, in order, the offsets in src where a word of
// valueWords or an escape of a byte of valueEscapes begins. A node holds a
// hash binding or a store literal only if a mark lies in its text: the
// name or literal is written there with its words, or with an escape (an
// escape of an indented string is a part of its own: it never joins a
// name or the start of a text). More marks only cost a longer walk.
func valueMarks(src []byte) []int32 {
	var marks []int32
	for _, w := range valueWords {
		for i := 0; ; {
			j := bytes.Index(src[i:], w)
			if j < 0 {
				break
			}
			marks = append(marks, int32(i+j))
			i += j + len(w)
		}
	}
	for i := bytes.IndexByte(src, '\\'); i >= 0 && i+1 < len(src); {
		if strings.IndexByte(valueEscapes, src[i+1]) >= 0 {
			marks = append(marks, int32(i))
		}
		j := bytes.IndexByte(src[i+1:], '\\')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	slices.Sort(marks)
	return marks
}

// isHashBinding reports whether the last name of a binding is a hash attribute.
func isHashBinding(as *nixast.AttrAssign) bool {
	if len(as.Path.Names) == 0 {
		return false
	}
	name, ok := as.Path.Names[len(as.Path.Names)-1].StaticName()
	if !ok {
		return false
	}
	_, ok = hashAlgo(name)
	return ok
}

// storeText reports whether the parts of a string or path start with /nix/store/.
func storeText(parts []nixast.StringPart) bool {
	if len(parts) == 0 {
		return false
	}
	tp, ok := parts[0].(*nixast.TextPart)
	return ok && strings.HasPrefix(tp.Value, storeDir)
}

// valueNodesFact is what the value checks read in a file, found by one
// walk of its tree.
var valueNodesFact = &Analyzer{
	Name:    "value-nodes",
	Doc:     "The bindings of a file whose names say they hold a hash, and its literals under /nix/store/.",
	RunFile: func(p *FilePass) any { return findValueNodes(p.File) },
}

func runInvalidNixHash(p *FilePass) {
	for _, h := range result[*valueNodes](p.ResultOf, valueNodesFact, p.Analyzer).hashes {
		p.checkHash(p.Path, h.set, h.as)
	}
}

func siblingString(set *nixast.AttrSet, name string) (string, bool) {
	for _, b := range set.Bindings {
		if as, ok := b.(*nixast.AttrAssign); ok && len(as.Path.Names) == 1 {
			if n, _ := as.Path.Names[0].StaticName(); n == name {
				if s, ok := nixast.Unparen(as.Value).(*nixast.StringLit); ok {
					return s.StaticValue()
				}
			}
		}
	}
	return "", false
}

func (p *FilePass) checkHash(file string, set *nixast.AttrSet, as *nixast.AttrAssign) {
	last := as.Path.Names[len(as.Path.Names)-1]
	name, ok := last.StaticName()
	if !ok {
		return
	}
	algo, ok := hashAlgo(name)
	if !ok {
		return
	}
	str, ok := nixast.Unparen(as.Value).(*nixast.StringLit)
	if !ok {
		return
	}
	s, ok := str.StaticValue()
	if !ok || s == "" {
		return
	}
	if name == "outputHash" && len(as.Path.Names) == 1 {
		if a, ok := siblingString(set, "outputHashAlgo"); ok {
			if pa, err := nixhash.ParseAlgorithm(a); err == nil {
				algo = &pa
			}
		}
	}
	if validHash(s, algo) {
		return
	}
	msg := fmt.Sprintf("%q is not a valid Nix hash for `%s`", s, name)
	if algo == nil {
		msg += ": write an SRI hash (sha256-…=) or prefix the algorithm (sha256:…)"
	} else {
		msg += fmt.Sprintf(": expected an SRI hash or %s in base16, nix-base32 or base64", algo.String())
	}
	fd := Finding{File: file, Pos: str.Pos(), End: str.End(), Severity: SeverityError, Code: CodeInvalidNixHash, Message: msg}
	if algo == nil {
		sha := nixhash.SHA256
		if h, err := parseHash(s, &sha); err == nil {
			sri := h.Format(nixhash.SRI, true)
			fd.Message = fmt.Sprintf("%q has no algorithm, which `%s` needs; as SHA-256 it is %s", s, name, sri)
			fd.Fixes = append(fd.Fixes, Fix{Title: "Write the hash as " + sri, Preferred: true,
				Edits: []TextEdit{{File: file, Pos: str.Pos(), End: str.End(), NewText: `"` + sri + `"`}}})
		}
	}
	p.Report(fd)
}

const storeDir = "/nix/store/"

func runInvalidStorePath(p *FilePass) {
	path := p.Path
	for _, n := range result[*valueNodes](p.ResultOf, valueNodesFact, p.Analyzer).storePaths {
		var parts []nixast.StringPart
		switch x := n.(type) {
		case *nixast.StringLit:
			parts = x.Parts
			if x.Indented {
				parts = nixast.StripIndentation(parts)
			}
		case *nixast.PathLit:
			parts = x.Parts
		}
		tp := parts[0].(*nixast.TextPart) // as storeText found
		rest := tp.Value[len(storeDir):]
		comp, _, slash := strings.Cut(rest, "/")
		if !slash && len(parts) > 1 {
			continue // the component goes on in an interpolation
		}
		if comp == "" || strings.HasPrefix(comp, ".") || strings.ContainsAny(comp, "*?[{$") {
			continue
		}
		if _, err := storepath.FromAbsolutePath(storeDir + comp); err != nil {
			msg := fmt.Sprintf("%s%s is not a valid store path: a store path is /nix/store/ followed by a 32-character nix-base32 hash, a dash and a name", storeDir, comp)
			sev := SeverityError
			if textOnly(n, comp) {
				sev = SeverityWarning
				msg += " (in text that may not be used as a path)"
			}
			p.Report(Finding{File: path, Pos: n.Pos(), End: n.End(), Severity: sev, Code: CodeInvalidStorePath, Message: msg})
		}
	}
}

// textOnly reports whether a malformed store path is likely text rather
// than a path Nix or a service will open: it sits in a multi-line string
// (a test script, a file's content), or its hash is a placeholder (one
// character repeated) or its name says it is made up. A path literal is
// always a path.
func textOnly(n nixast.Expr, comp string) bool {
	lit, ok := n.(*nixast.StringLit)
	if !ok {
		return false
	}
	if lit.Indented {
		return true
	}
	for _, part := range lit.Parts {
		if tp, ok := part.(*nixast.TextPart); ok && strings.Contains(tp.Value, "\n") {
			return true
		}
	}
	hash, name, _ := strings.Cut(comp, "-")
	if len(hash) > 1 && strings.Count(hash, hash[:1]) == len(hash) {
		return true
	}
	name = strings.ToLower(name)
	for _, w := range []string{"fake", "dummy", "placeholder", "example"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}
