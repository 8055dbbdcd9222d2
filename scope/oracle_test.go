package scope

// The oracle test holds undefined variables to Nix's parser, which rejects
// exactly the files with a free variable: `nix-instantiate --parse` of Nix
// 2.8 over testdata/parse, and over any directories named in
// SCOPE_ORACLE_DIRS (colon-separated; real repositories, for measuring).
//
// For each file Nix parses without a syntax error:
//   - with no undefined variable of ours, Nix must accept it;
//   - with some, Nix must reject it for one of them; and, to check each of
//     ours, the file is also given to Nix as the body of a let that binds
//     all our undefined names but one: Nix must then report that one.
//     With all of them bound, Nix must accept the file (so we miss none).
//
// Files without findings are parsed many per nix-instantiate process; a
// rejected file ends the process, and the next starts after it. The probes,
// most of which Nix rejects, go to `nix repl`, which reports an error and
// reads on (nixReplParse).

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/internal/nixrepl"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func needNix(t *testing.T, bins ...string) {
	t.Helper()
	for _, b := range bins {
		if _, err := exec.LookPath(b); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed (Debian package nix-bin); this test needs it in CI", b)
			}
			t.Skipf("%s not installed (apt-get install nix-bin)", b)
		}
	}
}

type nixVerdict struct {
	ok       bool
	undef    string // the undefined variable Nix reports
	line     int    // 1-based
	otherErr string // a rejection for another reason
}

var (
	undefRE = regexp.MustCompile(`undefined variable '([^']*)'`)
	atRE    = regexp.MustCompile(`at (/[^:]+):(\d+):(\d+)`)
)

// nixParse parses files with one nix-instantiate process per run of
// accepted files and returns the verdict of each. A rejected file ends its
// process, so most probes need one of their own: contiguous shares of the
// files go to 2*GOMAXPROCS workers side by side.
func nixParse(t *testing.T, home string, files []string) []nixVerdict {
	out := make([]nixVerdict, len(files))
	inShares(len(files), func(from, to int) { nixParseRange(t, home, files, out, from, to) })
	return out
}

// inShares calls f on contiguous shares of n items, 2*GOMAXPROCS side by
// side, and returns when all have returned.
func inShares(n int, f func(from, to int)) {
	workers := 2 * runtime.GOMAXPROCS(0)
	share := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for from := 0; from < n; from += share {
		to := min(n, from+share)
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(from, to)
		}()
	}
	wg.Wait()
}

// nixParseRange fills out[from:to] with the verdicts of files[from:to].
func nixParseRange(t *testing.T, home string, files []string, out []nixVerdict, from, to int) {
	for i := from; i < to; {
		end := min(to, i+200)
		cmd := exec.Command("nix-instantiate", append([]string{"--parse"}, files[i:end]...)...)
		cmd.Env = append(os.Environ(), "NIX_REMOTE=", "HOME="+home, "NIX_PATH=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if cmd.Run() == nil {
			for j := i; j < end; j++ {
				out[j].ok = true
			}
			i = end
			continue
		}
		msg := stderr.String()
		m := atRE.FindStringSubmatch(msg)
		failed := -1
		if m != nil {
			for j := i; j < end; j++ {
				if files[j] == m[1] {
					failed = j
					break
				}
			}
		}
		if failed < 0 {
			t.Errorf("cannot tell which file nix-instantiate rejected: %s", msg)
			return
		}
		for j := i; j < failed; j++ {
			out[j].ok = true
		}
		if u := undefRE.FindStringSubmatch(msg); u != nil {
			fmt.Sscan(m[2], &out[failed].line)
			out[failed].undef = u[1]
		} else {
			out[failed].otherErr = firstLine(msg)
		}
		i = failed + 1
	}
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "error:") {
			return l
		}
	}
	return strings.TrimSpace(s)
}

func oracleFiles(t *testing.T) []string {
	files, _ := filepath.Glob("../testdata/parse/*/*.nix")
	for _, dir := range filepath.SplitList(os.Getenv("SCOPE_ORACLE_DIRS")) {
		if dir == "" {
			continue
		}
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".nix") {
				files = append(files, p)
			}
			return nil
		})
	}
	for i, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		files[i] = abs
	}
	sort.Strings(files)
	return files
}

// nixReplParse parses probes, which Nix mostly rejects, with one `nix repl`
// per worker rather than one nix-instantiate per rejection (about 60 ms
// each). The repl reads a line at a time and reads on while the input ends
// early, so a probe is given as `if false then (text) else null`: nothing
// is evaluated and no name bound, and an error's line is the file's. Its
// comments are blanked first (a block comment cut at the end of a line is
// a syntax error to the repl, not an early end). A probe whose answer
// cannot be told apart (nixrepl.Answers) goes to nixParse.
func nixReplParse(t *testing.T, home string, files []string) []nixVerdict {
	out := make([]nixVerdict, len(files))
	known := make([]bool, len(files))
	inShares(len(files), func(from, to int) { nixReplRange(t, home, files, out, known, from, to) })
	var rest []string
	var at []int
	for i, ok := range known {
		if !ok {
			rest = append(rest, files[i])
			at = append(at, i)
		}
	}
	t.Logf("nix repl answered %d of %d probes; nix-instantiate the others", len(files)-len(rest), len(files))
	for j, v := range nixParse(t, home, rest) {
		out[at[j]] = v
	}
	return out
}

var replAtRE = regexp.MustCompile(`^at «string»:(\d+):\d+$`)

func nixReplRange(t *testing.T, home string, files []string, out []nixVerdict, known []bool, from, to int) {
	var inputs []string
	var sent []int // the probes given to the repl, in order
	for i := from; i < to; i++ {
		src, err := os.ReadFile(files[i])
		if err != nil {
			t.Error(err)
			return
		}
		if bytes.ContainsFunc(src, func(r rune) bool { return r < ' ' && r != '\n' }) {
			continue // a tab or a carriage return means something to line editing
		}
		for _, tok := range nixast.Parse(files[i], src).AllTokens() {
			if tok.Kind == nixast.COMMENT {
				for j := tok.Pos(); j < tok.End(); j++ {
					if src[j] != '\n' {
						src[j] = ' '
					}
				}
			}
		}
		inputs = append(inputs, "if false then ("+string(src)+"\n) else null")
		sent = append(sent, i)
	}
	if len(sent) == 0 {
		return
	}
	answers, err := nixrepl.Answers(context.Background(), home, inputs)
	if err != nil {
		t.Logf("nix repl: %v (its probes go to nix-instantiate)", err)
		return
	}
	for k, a := range answers {
		if a != nil {
			out[sent[k]], known[sent[k]] = replVerdict(a)
		}
	}
}

// replVerdict reads the repl's answer to one probe: null, or an error at
// column 0 (the echoed input is indented).
func replVerdict(answer []string) (nixVerdict, bool) {
	if slices.Contains(answer, "null") {
		return nixVerdict{ok: true}, true
	}
	errs := nixrepl.Errors(answer)
	if len(errs) == 0 {
		return nixVerdict{}, false
	}
	u := undefRE.FindStringSubmatch(errs[0].Msg)
	if u == nil {
		return nixVerdict{otherErr: "error: " + errs[0].Msg}, true
	}
	at := replAtRE.FindStringSubmatch(errs[0].At)
	if at == nil {
		return nixVerdict{}, false
	}
	v := nixVerdict{undef: u[1]}
	fmt.Sscan(at[1], &v.line)
	return v, true
}

func TestUndefinedAgreesWithNix(t *testing.T) {
	needNix(t, "nix-instantiate", "nix")
	home := t.TempDir()
	work := t.TempDir()
	files := oracleFiles(t)
	if len(files) < 500 {
		t.Fatalf("only %d files under testdata/parse", len(files))
	}
	type ours struct {
		file  string
		f     *nixast.File
		undef []*Ref
	}
	var clean []string
	var withUndef []ours
	parsed := map[string]*nixast.File{}
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f := nixast.Parse(p, src)
		parsed[p] = f
		if len(f.Errors) > 0 || f.NewSyntax {
			continue // Nix stops at the syntax error, or predates the syntax
		}
		u := Resolve(f).Undefined()
		if len(u) == 0 {
			clean = append(clean, p)
		} else {
			withUndef = append(withUndef, ours{p, f, u})
		}
	}
	disagree := 0
	report := func(format string, args ...any) {
		disagree++
		if disagree <= 40 {
			t.Errorf(format, args...)
		}
	}
	for i, v := range nixParse(t, home, clean) {
		if v.undef != "" {
			report("%s: Nix reports undefined variable %q at line %d; we report none", clean[i], v.undef, v.line)
		}
	}
	// Files with undefined names: Nix must reject each one of ours when the
	// others are bound, and accept the file when all are.
	var probes []string
	type probe struct {
		file string
		name string // "" when all are bound
		line int
	}
	var meta []probe
	for k, o := range withUndef {
		names := map[string]int{}
		for _, r := range o.undef {
			if _, ok := names[r.Name()]; !ok {
				names[r.Name()] = o.f.Lines.Line(int(r.Pos)) + 1
			}
		}
		var all []string
		for n := range names {
			all = append(all, n)
		}
		sort.Strings(all)
		write := func(skip string) string {
			head := "let "
			for _, n := range all {
				if n != skip {
					head += n + " = null; "
				}
			}
			head += "in "
			p := filepath.Join(work, fmt.Sprintf("%d-%s.nix", k, skip))
			if err := os.WriteFile(p, append([]byte(head), o.f.Src...), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
		probes = append(probes, write(""))
		meta = append(meta, probe{file: o.file})
		for _, n := range all {
			probes = append(probes, write(n))
			meta = append(meta, probe{file: o.file, name: n, line: names[n]})
		}
	}
	for i, v := range nixReplParse(t, home, probes) {
		m := meta[i]
		switch {
		case m.name == "" && !v.ok:
			report("%s: with our undefined names bound, Nix still rejects it: %s%s at line %d", m.file, v.otherErr, v.undef, v.line)
		case m.name != "" && v.ok:
			report("%s: we report `%s` (line %d) undefined; Nix accepts it", m.file, m.name, m.line)
		case m.name != "" && v.undef != m.name:
			report("%s: we report `%s` (line %d) undefined; Nix reports %q%s at line %d", m.file, m.name, m.line, v.undef, v.otherErr, v.line)
		}
	}
	t.Logf("%d files: %d parsed without syntax errors (%d with undefined variables); %d disagreements with nix-instantiate --parse",
		len(files), len(clean)+len(withUndef), len(withUndef), disagree)
}
