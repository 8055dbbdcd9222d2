package nixast

// The oracle test compares our parser with Nix's own, `nix-instantiate
// --parse` of Nix 2.8 (Debian's nix-bin), through the normal form both print.
//
// What nix-instantiate does beyond parsing, and how the comparison handles it:
//   - It rejects undefined variables. Each input is given to it as
//     `with {}; <input>`, which makes every free name resolve dynamically; our
//     side is printed as (with { }; <ours>) to match.
//   - It rejects duplicate attributes and formals: so do we, at parse time.
//   - It makes paths absolute against the file's directory and $HOME: the
//     printer gets the same directory and home (PrintConfig).
//   - It prints numbers in C++'s %g form, which the printer imitates.
//   - It orders let bindings by the addresses of interned names, which
//     nothing can reproduce: both outputs have their let bindings sorted by
//     normalizeLets before comparing.
//   - It needs a Nix store to open: with NIX_REMOTE empty it opens the local
//     one under /nix, which root can create. It never builds or evaluates.
//     (The invalid corpus is imported in `nix repl`, which reads on after an
//     error: an input that has a syntax error is never evaluated.)
//   - Nix 2.8 predates the pipe operators and the deep merging of attribute
//     sets; inputs that use them (File.NewSyntax) are not sent to it.
//
// Under CI=true a missing nix-instantiate fails the test instead of skipping it.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/microvm-lsp/microvm-lsp/internal/nixrepl"
)

type oracle struct {
	bin  string
	dir  string
	home string
}

func newOracle(t testing.TB) *oracle {
	t.Helper()
	bin, err := exec.LookPath("nix-instantiate")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("nix-instantiate is not installed (Debian package nix-bin); the oracle tests need it in CI")
		}
		t.Skip("nix-instantiate not installed (apt-get install nix-bin)")
	}
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	return &oracle{bin: bin, dir: dir, home: home}
}

// parse runs nix-instantiate --parse on `with {}; src` written to name in the
// oracle's directory. ok is false when Nix rejects the input.
func (o *oracle) parse(name string, src []byte) (out string, ok bool) {
	outs, n, errText := o.parseBatch([]string{name}, [][]byte{src})
	if n < 1 {
		return errText, false
	}
	return outs[0], true
}

// parseBatch runs one nix-instantiate --parse over several inputs, as the
// parse method writes them. Nix prints one line per file, in order, and stops
// at the first file it rejects: outs holds the normal forms of the first n
// files; when n < len(names), names[n] was rejected with errText.
// Process start-up, not parsing, is most of what one input costs.
func (o *oracle) parseBatch(names []string, srcs [][]byte) (outs []string, n int, errText string) {
	paths := make([]string, len(names))
	for i, name := range names {
		paths[i] = filepath.Join(o.dir, name)
		if err := os.WriteFile(paths[i], append([]byte("with {}; "), srcs[i]...), 0o644); err != nil {
			panic(err)
		}
	}
	cmd := exec.Command(o.bin, append([]string{"--parse"}, paths...)...)
	cmd.Env = append(os.Environ(), "NIX_REMOTE=", "HOME="+o.home, "NIX_PATH=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	text := strings.TrimSuffix(stdout.String(), "\n")
	if text != "" {
		// The normal form escapes newlines inside strings: one line per file.
		outs = strings.Split(text, "\n")
	}
	if err != nil {
		return outs, len(outs), stderr.String()
	}
	if len(outs) != len(names) {
		panic(fmt.Sprintf("nix-instantiate printed %d lines for %d files", len(outs), len(names)))
	}
	return outs, len(outs), ""
}

// syntaxErrors tells, with one `nix repl`, which inputs Nix rejects with a
// syntax error: the repl reports an error and reads on, where
// nix-instantiate stops at its first (one process, about 60 ms, per invalid
// input). Each input, written as parse writes it, is imported on a line of
// its own; then comes a line `;;`, then a marker string whose printed value
// closes the input's answer. An import that fails with a syntax error at a
// position in its file is rejected. One whose parse ends early ("unexpected
// end of file") makes the repl read on, as if its own line were
// incomplete (it does so for no other error): the `;;` is then the second
// line of that input, and its error, at «string»:2, tells that. Nothing
// else counts (an input Nix parses would be evaluated): rejected[i] is false
// for the others, which parse must decide; so is every input when the repl
// cannot run.
func (o *oracle) syntaxErrors(names []string, srcs [][]byte) (rejected []bool) {
	rejected = make([]bool, len(names))
	inputs := make([]string, len(names))
	paths := make([]string, len(names))
	for i, name := range names {
		paths[i] = filepath.Join(o.dir, "repl-"+name)
		if err := os.WriteFile(paths[i], append([]byte("with {}; "), srcs[i]...), 0o644); err != nil {
			panic(err)
		}
		inputs[i] = "import \"" + paths[i] + "\"\n;;"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	answers, err := nixrepl.Answers(ctx, o.home, inputs)
	if err != nil {
		return rejected
	}
	syntax := func(e nixrepl.Error) bool { return strings.HasPrefix(e.Msg, "syntax error, ") }
	for i, a := range answers {
		switch errs := nixrepl.Errors(a); {
		case len(errs) == 2 && syntax(errs[0]) && strings.HasPrefix(errs[0].At, "at "+paths[i]+":") &&
			syntax(errs[1]) && strings.HasPrefix(errs[1].At, "at «string»:1:1"):
			rejected[i] = true
		case len(errs) == 1 && syntax(errs[0]) && strings.HasPrefix(errs[0].At, "at «string»:2:1"):
			rejected[i] = true // ended early
		}
	}
	return rejected
}

func (o *oracle) ours(f *File) string {
	return "(with { }; " + Print(f.Root, PrintConfig{BaseDir: o.dir, HomeDir: o.home}) + ")"
}

func TestOracleValidCorpus(t *testing.T) {
	t.Parallel()
	o := newOracle(t)
	files, _ := filepath.Glob("../testdata/parse/valid/*.nix")
	if len(files) < 300 {
		t.Fatalf("only %d files in testdata/parse/valid; want at least 300", len(files))
	}
	var names []string
	var srcs [][]byte
	var parsed []*File
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		f := Parse(name, src)
		if len(f.Errors) > 0 {
			t.Errorf("%s:\n nix:  no syntax errors\n ours: %s", name, f.Errors[0].Msg)
			continue
		}
		if f.NewSyntax {
			continue
		}
		names, srcs, parsed = append(names, name), append(srcs, src), append(parsed, f)
	}
	// All inputs go to Nix in one process; a rejected one is reported and
	// the rest go on in the next.
	for len(names) > 0 {
		outs, n, errText := o.parseBatch(names, srcs)
		for i, want := range outs[:n] {
			got := o.ours(parsed[i])
			if normalizeLets(want) != normalizeLets(got) {
				t.Errorf("%s:\n nix:  %s\n ours: %s", names[i], normalizeLets(want), normalizeLets(got))
			}
		}
		if n < len(names) {
			t.Errorf("%s:\n nix:  accepted by nix-instantiate\n ours: %s", names[n], errText)
			n++
		}
		names, srcs, parsed = names[n:], srcs[n:], parsed[n:]
	}
}

func TestOracleRejectsInvalidCorpus(t *testing.T) {
	t.Parallel()
	o := newOracle(t)
	files, _ := filepath.Glob("../testdata/parse/invalid/*.nix")
	if len(files) < 60 {
		t.Fatalf("only %d files in testdata/parse/invalid; want at least 60", len(files))
	}
	// One nix repl tells most syntax errors; nix-instantiate stops at the
	// first input it rejects, so each of the others needs a process of its
	// own; they run side by side.
	names := make([]string, len(files))
	srcs := make([][]byte, len(files))
	for i, path := range files {
		srcs[i], _ = os.ReadFile(path)
		names[i] = filepath.Base(path)
	}
	rejected := o.syntaxErrors(names, srcs)
	told := 0
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2*runtime.GOMAXPROCS(0))
	for i, name := range names {
		src := srcs[i]
		if f := Parse(name, src); len(f.Errors) == 0 {
			t.Errorf("%s: we accept it, nix-instantiate rejects it", name)
		}
		if rejected[i] {
			told++
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if _, ok := o.parse(name, src); ok {
				t.Errorf("%s: nix-instantiate accepts it; an invalid fixture must be rejected", name)
			}
		}()
	}
	wg.Wait()
	t.Logf("%d files: nix repl found a syntax error in %d, nix-instantiate judged the others", len(files), told)
}

// normalizeLets sorts the bindings of every (let ...; in ...) in a normal form.
func normalizeLets(s string) string {
	n := &letNormalizer{s: s}
	return n.run(0, len(s))
}

type letNormalizer struct{ s string }

// run normalizes s[from:to], which is a balanced piece of the printed form.
func (n *letNormalizer) run(from, to int) string {
	var b strings.Builder
	i := from
	for i < to {
		if strings.HasPrefix(n.s[i:], "(let ") {
			end := n.matchParen(i)
			b.WriteString(n.let(i+len("(let "), end))
			i = end + 1
			continue
		}
		if strings.HasPrefix(n.s[i:], "({ ") {
			if end := n.matchParen(i + 1); strings.HasPrefix(n.s[end+1:], ": ") || strings.HasPrefix(n.s[end+1:], " @ ") {
				b.WriteString(n.formals(i+len("({ "), end))
				i = end + 1
				continue
			}
		}
		if n.s[i] == '"' {
			j := n.skipString(i)
			b.WriteString(n.s[i:j])
			i = j
			continue
		}
		b.WriteByte(n.s[i])
		i++
	}
	return b.String()
}

// let normalizes the inside of a let, from its first binding to its ')'.
func (n *letNormalizer) let(from, end int) string {
	var binds []string
	i := from
	for !strings.HasPrefix(n.s[i:], "in ") {
		j := n.bindingEnd(i, end)
		binds = append(binds, n.run(i, j+1))
		i = j + 2 // past "; "
	}
	sort.Strings(binds)
	return "(let " + strings.Join(binds, " ") + " in " + n.run(i+len("in "), end) + ")"
}

// scanTop calls at for each position from i to end that is outside strings,
// with the bracket depth there, until at returns true; it returns that
// position, or end.
func (n *letNormalizer) scanTop(i, end int, at func(i, depth int) bool) int {
	depth := 0
	for i < end {
		switch c := n.s[i]; c {
		case '"':
			i = n.skipString(i)
			continue
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		}
		if at(i, depth) {
			return i
		}
		i++
	}
	return end
}

// bindingEnd returns the index of the ';' that ends the binding at i: the
// first ';' at depth 0 that no unparenthesized assert claims.
func (n *letNormalizer) bindingEnd(i, end int) int {
	asserts := 0
	return n.scanTop(i, end, func(i, depth int) bool {
		switch {
		case depth != 0:
		case n.s[i] == ';':
			if asserts == 0 {
				return true
			}
			asserts--
		case strings.HasPrefix(n.s[i:], "assert ") && (i == 0 || n.s[i-1] == ' ') && !strings.HasPrefix(n.s[i:], "assert = "):
			asserts++
		}
		return false
	})
}

// formals sorts the formal parameters between from and the '}' at end.
func (n *letNormalizer) formals(from, end int) string {
	var list []string
	ellipsis := false
	i := from
	for i < end-1 {
		j := n.formalEnd(i, end)
		f := n.run(i, j)
		if f == "..." {
			ellipsis = true
		} else if f != "" {
			list = append(list, f)
		}
		i = j + 2 // past ", " or " }"
	}
	sort.Strings(list)
	if ellipsis {
		list = append(list, "...")
	}
	return "({ " + strings.Join(list, ", ") + " }"
}

// formalEnd returns the end of the formal at i: the next ", " or " }" at depth 0.
func (n *letNormalizer) formalEnd(i, end int) int {
	last := n.scanTop(i, end, func(i, depth int) bool {
		return depth == 0 && (strings.HasPrefix(n.s[i:], ", ") || i == end-1)
	})
	if last == end {
		return end - 1
	}
	return last
}

func (n *letNormalizer) skipString(i int) int {
	for j := i + 1; j < len(n.s); j++ {
		switch n.s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(n.s)
}

func (n *letNormalizer) matchParen(i int) int {
	depth := 0
	for j := i; j < len(n.s); j++ {
		switch n.s[j] {
		case '"':
			j = n.skipString(j) - 1
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(n.s) - 1
}

func TestNormalizeLets(t *testing.T) {
	in := `(let b = 1; a = (let z = "; in"; y = assert x; 2; in z); in [ (a) (b) ({ y, x ? { a = 1; }, ... } @ q: ({  }: y)) ])`
	want := `(let a = (let y = assert x; 2; z = "; in"; in z); b = 1; in [ (a) (b) ({ x ? { a = 1; }, y, ... } @ q: ({  }: y)) ])`
	if got := normalizeLets(in); got != want {
		t.Fatalf("normalizeLets:\n got  %s\n want %s", got, want)
	}
}
