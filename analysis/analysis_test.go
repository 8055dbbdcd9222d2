package analysis

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/optindex"
	"golang.org/x/tools/txtar"
)

type want struct {
	file string
	line int // 0-based
	code string
	sev  string
	re   *regexp.Regexp
	raw  string
}

var wantRE = regexp.MustCompile(`^([a-z0-9-]+)(?::([a-z]+))?(?:\(("(?:[^"\\]|\\.)*")\))?`)

func loadFixture(t *testing.T, path string) (*Workspace, []want) {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ws := &Workspace{Files: map[string]*nixast.File{}}
	onDisk := map[string]bool{}
	ws.Exists = func(p string) bool { return fixtureHas(ws, onDisk, p) }
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if rest, ok := strings.CutPrefix(line, "absent-inputs:"); ok {
			ws.AbsentInputs = strings.Fields(rest)
		}
	}
	pinned := ""
	sources := map[string]string{} // input → its directory, for pinned-source/<input>/
	var wants []want
	for _, f := range ar.Files {
		if rest, ok := strings.CutPrefix(f.Name, pinnedSource); ok {
			// a NixOS, home-manager or nix-darwin source the workspace pins
			input, file, _ := strings.Cut(rest, "/")
			if sources[input] == "" {
				sources[input] = t.TempDir()
			}
			p := filepath.Join(sources[input], filepath.FromSlash(file))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if rest, ok := strings.CutPrefix(f.Name, pinnedMicrovm); ok {
			// the source of microvm.nix that the workspace pins, in the store
			if pinned == "" {
				pinned = t.TempDir()
			}
			p := filepath.Join(pinned, filepath.FromSlash(rest))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if strings.HasPrefix(f.Name, storeInput) {
			continue // an input's source in the store: fixtureSources
		}
		name := "/ws/" + f.Name
		if strings.HasSuffix(name, ".ignored") {
			onDisk[strings.TrimSuffix(name, ".ignored")] = true // on disk, not in the workspace
			continue
		}
		pf := nixast.Parse(name, f.Data)
		ws.Files[name] = pf
		for _, tok := range pf.AllTokens() {
			if tok.Kind != nixast.COMMENT {
				continue
			}
			text := tok.Text(pf.Src)
			line := pf.Lines.Line(tok.Pos())
			i, marker := strings.Index(text, "want:"), "want:"
			if j := strings.Index(text, "want-above:"); j >= 0 {
				// for a finding inside a comment, which runs to the end of its line
				i, marker, line = j, "want-above:", line-1
			}
			if !strings.HasPrefix(text, "#") || i < 0 {
				continue
			}
			rest := strings.TrimSpace(text[i+len(marker):])
			for rest != "" {
				m := wantRE.FindStringSubmatch(rest)
				if m == nil {
					t.Errorf("%s:%d: bad want comment %q", f.Name, line+1, rest)
					break
				}
				w := want{file: name, line: line, code: m[1], sev: m[2], raw: m[0]}
				if m[3] != "" {
					s, err := strconv.Unquote(m[3])
					if err != nil {
						t.Errorf("%s:%d: bad regexp string %s", f.Name, line+1, m[3])
					} else if w.re, err = regexp.Compile(s); err != nil {
						t.Errorf("%s:%d: bad regexp %s: %v", f.Name, line+1, s, err)
					}
				}
				wants = append(wants, w)
				rest = strings.TrimSpace(rest[len(m[0]):])
			}
		}
	}
	ws.Sources = fixtureSources(t, ar)
	if pinned != "" {
		ix, err := optindex.Build(pinned, optindex.DefaultEntries(pinned))
		if err != nil {
			t.Fatal(err)
		}
		ws.Microvm = microvm.FromIndex(ix, "microvm", "0123456789abcdef", pinned)
	}
	if len(sources) > 0 {
		sets := &optindex.Sets{}
		inputs := make([]string, 0, len(sources))
		for in := range sources {
			inputs = append(inputs, in)
		}
		sort.Strings(inputs)
		for _, in := range inputs {
			trees := optindex.ModuleTrees(sources[in])
			if len(trees) == 0 {
				t.Fatalf("%s%s/ holds no module tree optindex knows", pinnedSource, in)
			}
			for _, tr := range trees {
				ix, err := optindex.Build(sources[in], tr.Entries)
				if err != nil {
					t.Fatal(err)
				}
				sets.Indexed = append(sets.Indexed, &optindex.Indexed{Class: tr.Class, Input: in, Rev: "fedcba9876543210", StorePath: sources[in], Index: ix})
			}
		}
		ws.Options = &optindex.Folders{Dirs: []string{"/ws"}, Sets: []*optindex.Sets{sets}}
	}
	return ws, wants
}

// pinnedSource prefixes the files of a fixture that are the NixOS,
// home-manager or nix-darwin sources its flake.lock pins, as
// pinned-source/<input>/<file>: each input's module trees are indexed
// for the option checks of their class.
const pinnedSource = "pinned-source/"

// pinnedMicrovm prefixes the files of a fixture that are the microvm.nix
// source its flake.lock pins: they are indexed for the option facts, and
// are not files of the workspace.
const pinnedMicrovm = "pinned-microvm/"

// fixtureHas reports whether a fixture holds the file or directory p: the
// fixture is the whole file system of its workspace, with the files named
// *.ignored on disk but not in the workspace.
func fixtureHas(ws *Workspace, onDisk map[string]bool, p string) bool {
	if ws.Files[p] != nil || onDisk[p] {
		return true
	}
	dir := strings.TrimSuffix(p, "/") + "/"
	for name := range ws.Files {
		if strings.HasPrefix(name, dir) {
			return true
		}
	}
	for name := range onDisk {
		if strings.HasPrefix(name, dir) {
			return true
		}
	}
	return false
}

func (w want) matches(ws *Workspace, f Finding) bool {
	if f.File != w.file || f.Code != w.code || ws.Files[f.File].Lines.Line(f.Pos) != w.line {
		return false
	}
	if w.sev != "" {
		if s, ok := ParseSeverity(w.sev); !ok || s != f.Severity {
			return false
		}
	}
	if w.re != nil && !w.re.MatchString(f.Message) {
		return false
	}
	return true
}

func fixtures(t *testing.T) []string {
	files, err := filepath.Glob("../testdata/analysis/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata/analysis")
	}
	return files
}

func describe(ws *Workspace, f Finding) string {
	line := -1
	if ff := ws.Files[f.File]; ff != nil {
		line = ff.Lines.Line(f.Pos)
	}
	return fmt.Sprintf("%s:%d: %s:%s %s", strings.TrimPrefix(f.File, "/ws/"), line+1, f.Code, f.Severity, f.Message)
}

func TestFixtures(t *testing.T) {
	pass, fail := 0, 0
	for _, path := range fixtures(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		ok := t.Run(name, func(t *testing.T) {
			ws, wants := loadFixture(t, path)
			got := Analyze(ws, Config{})
			used := make([]bool, len(got))
			for _, w := range wants {
				if !KnownCode(w.code) {
					t.Errorf("%s:%d: want of unknown code %s", strings.TrimPrefix(w.file, "/ws/"), w.line+1, w.code)
					continue
				}
				found := false
				for i, f := range got {
					if !used[i] && w.matches(ws, f) {
						used[i], found = true, true
						break
					}
				}
				if !found {
					var near []string
					for _, f := range got {
						if f.File == w.file && ws.Files[f.File].Lines.Line(f.Pos) == w.line {
							near = append(near, describe(ws, f))
						}
					}
					t.Errorf("%s:%d: want %s, not found (on that line: %v)", strings.TrimPrefix(w.file, "/ws/"), w.line+1, w.raw, near)
				}
			}
			for i, f := range got {
				if !used[i] {
					t.Errorf("unexpected finding %s", describe(ws, f))
				}
			}
		})
		if ok {
			pass++
		} else {
			fail++
		}
	}
	t.Logf("fixtures: %d pass, %d fail", pass, fail)
}

// applyEdits returns a new workspace with the edits applied and the changed
// files re-parsed.
func applyEdits(ws *Workspace, edits []TextEdit) (*Workspace, []string, error) {
	byFile := map[string][]TextEdit{}
	for _, e := range edits {
		byFile[e.File] = append(byFile[e.File], e)
	}
	out := &Workspace{Files: map[string]*nixast.File{}, Exists: ws.Exists, Microvm: ws.Microvm, AbsentInputs: ws.AbsentInputs}
	for k, v := range ws.Files {
		out.Files[k] = v
	}
	var changed []string
	for file, es := range byFile {
		f := ws.Files[file]
		if f == nil {
			return nil, nil, fmt.Errorf("edit in unknown file %s", file)
		}
		sort.Slice(es, func(i, j int) bool { return es[i].Pos > es[j].Pos })
		src := string(f.Src)
		last := len(src) + 1
		for _, e := range es {
			if e.Pos < 0 || e.End > len(src) || e.Pos > e.End || e.End > last {
				return nil, nil, fmt.Errorf("bad or overlapping edit %+v", e)
			}
			src = src[:e.Pos] + e.NewText + src[e.End:]
			last = e.Pos
		}
		out.Files[file] = nixast.Parse(file, []byte(src))
		changed = append(changed, file)
	}
	return out, changed, nil
}

func countCode(fs []Finding, code string) int {
	n := 0
	for _, f := range fs {
		if f.Code == code {
			n++
		}
	}
	return n
}

var update = flag.Bool("update", false, "rewrite the fix goldens in testdata/analysis/golden")

// nixParser returns the path of nix-instantiate, or "" when it is missing
// (a failure under CI=true).
func nixParser(t *testing.T) string {
	p, err := exec.LookPath("nix-instantiate")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("nix-instantiate is needed to check fixed files under CI: %v", err)
		}
		t.Log("nix-instantiate not found: fixed files are not checked with Nix's parser")
		return ""
	}
	return p
}

// nixBatch collects fixed files and checks them all with `nix-instantiate
// --parse`, many per process (process start-up is most of what one costs),
// each prefixed with `with {}; ` so that free names are not errors.
type nixBatch struct {
	nix   string
	descs []string
	srcs  []string
}

func (b *nixBatch) add(desc, src string) {
	b.descs = append(b.descs, desc)
	b.srcs = append(b.srcs, src)
}

// check reports each file Nix rejects. Nix stops at the first file it
// rejects; the next process starts after it.
func (b *nixBatch) check(t *testing.T) {
	if b.nix == "" || len(b.srcs) == 0 {
		return
	}
	dir := t.TempDir()
	paths := make([]string, len(b.srcs))
	for i, src := range b.srcs {
		paths[i] = filepath.Join(dir, fmt.Sprintf("fixed%d.nix", i))
		if err := os.WriteFile(paths[i], []byte("with {}; "+src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < len(paths); {
		end := min(len(paths), i+200)
		cmd := exec.Command(b.nix, append([]string{"--parse"}, paths[i:end]...)...)
		cmd.Env = append(os.Environ(), "NIX_REMOTE=")
		var out bytes.Buffer
		cmd.Stderr = &out
		err := cmd.Run()
		if err == nil {
			i = end
			continue
		}
		failed := -1
		for j := i; j < end && failed < 0; j++ {
			if strings.Contains(out.String(), paths[j]+":") {
				failed = j
			}
		}
		if failed < 0 {
			t.Fatalf("cannot tell which file nix-instantiate rejected: %v: %s", err, out.String())
		}
		t.Errorf("%s: nix-instantiate --parse rejects it: %v: %s", b.descs[failed], err, strings.TrimSpace(out.String()))
		i = failed + 1
	}
}

// checkGolden compares the files a fix changed with
// testdata/analysis/golden/<fixture>.<code>.<n>.txtar (or writes it with -update).
func checkGolden(t *testing.T, fixture string, n int, desc string, f Finding, fx Fix, ws *Workspace, changed []string) {
	sort.Strings(changed)
	ar := &txtar.Archive{Comment: []byte(fmt.Sprintf("%s\nfix: %s\n", desc, fx.Title))}
	for _, c := range changed {
		ar.Files = append(ar.Files, txtar.File{Name: strings.TrimPrefix(c, "/ws/"), Data: ws.Files[c].Src})
	}
	golden := filepath.Join("..", "testdata", "analysis", "golden", fmt.Sprintf("%s.%s.%d.txtar", fixture, f.Code, n))
	data := txtar.Format(ar)
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Errorf("%s: fix %q: no golden (run go test ./analysis -update): %v", desc, fx.Title, err)
		return
	}
	if !bytes.Equal(want, data) {
		t.Errorf("%s: fix %q: result differs from %s (run go test ./analysis -update and review the diff)\n--- got ---\n%s", desc, fx.Title, golden, data)
	}
}

// TestFixes applies every fix of every finding of every fixture, analyses
// the whole workspace again and requires: the fixed files parse (also with
// Nix's parser), the finding is gone, no error appears anywhere that was not
// there before, no system the finding is not about changes role or becomes
// partly unknown, and exactly one fix of the finding is preferred.
// Role-check fixes are compared with goldens.
func TestFixes(t *testing.T) {
	nix := &nixBatch{nix: nixParser(t)}
	defer nix.check(t)
	for _, path := range fixtures(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		t.Run(name, func(t *testing.T) {
			ws, _ := loadFixture(t, path)
			before := Analyze(ws, Config{})
			rolesBefore := systemRoles(ws)
			count := map[string]int{}
			for _, f := range before {
				preferred := 0
				for _, fx := range f.Fixes {
					if fx.Preferred {
						preferred++
					}
				}
				if len(f.Fixes) > 0 && preferred != 1 {
					t.Errorf("%s: %d preferred fixes, want 1", describe(ws, f), preferred)
				}
				for _, fx := range f.Fixes {
					nws, changed, err := applyEdits(ws, fx.Edits)
					if err != nil {
						t.Errorf("%s: fix %q: %v", describe(ws, f), fx.Title, err)
						continue
					}
					count[f.Code]++
					checkGolden(t, name, count[f.Code], describe(ws, f), f, fx, nws, changed)
					for _, c := range changed {
						nix.add(fmt.Sprintf("%s: fix %q: %s", describe(ws, f), fx.Title, c), string(nws.Files[c].Src))
					}
					for _, c := range changed {
						if errs := nws.Files[c].Errors; len(errs) > 0 {
							t.Errorf("%s: fix %q: syntax error in %s: %s\n%s", describe(ws, f), fx.Title, c, errs[0].Msg, nws.Files[c].Src)
						}
					}
					after := Analyze(nws, Config{})
					if remains(f, fx.Edits, after) || countCode(after, f.Code) >= countCode(before, f.Code) {
						t.Errorf("%s: fix %q did not remove the finding", describe(ws, f), fx.Title)
					}
					for key, n := range errorCounts(after) {
						if n > errorCounts(before)[key] {
							t.Errorf("%s: fix %q adds an error (%s): %v", describe(ws, f), fx.Title, key, errorsOf(nws, after, key))
						}
					}
					rolesAfter := systemRoles(nws)
					for sys, r := range rolesBefore {
						if contains(f.Systems, sys.name) || contains(f.Systems, sys.parent) {
							continue // the systems fixed, and their VMs and containers
						}
						if a, ok := rolesAfter[sys]; !ok || a != r {
							t.Errorf("%s: fix %q changes system %s from %s to %s", describe(ws, f), fx.Title, sys.name, r, a)
						}
					}
				}
			}
		})
	}
}

type systemKey struct{ name, kind, parent string }

// systemRoles returns each system's role, and whether its closure is known.
func systemRoles(ws *Workspace) map[systemKey]string {
	out := map[systemKey]string{}
	for _, s := range Systems(ws) {
		r := s.Role
		if s.Unknown {
			r += " (partly unknown)"
		}
		out[systemKey{s.Name, s.Kind, s.Parent}] = r
	}
	return out
}

// mapPos moves an offset of the old text of file through edits.
func mapPos(pos int, file string, edits []TextEdit) int {
	out := pos
	for _, e := range edits {
		if e.File != file || e.Pos > pos {
			continue
		}
		if e.End <= pos {
			out += len(e.NewText) - (e.End - e.Pos)
		} else {
			out += e.Pos - pos // inside an edit: its start
		}
	}
	return out
}

// remains reports whether after holds a finding of f's code at f's range,
// moved through the edits (or inside the text an edit wrote there).
func remains(f Finding, edits []TextEdit, after []Finding) bool {
	pos, end := mapPos(f.Pos, f.File, edits), mapPos(f.End, f.File, edits)
	for _, e := range edits {
		if e.File == f.File && e.Pos < f.End && f.Pos < e.End {
			end = mapPos(e.Pos, f.File, edits) + len(e.NewText) // rewritten
		}
	}
	for _, a := range after {
		if a.Code == f.Code && a.File == f.File && a.Pos >= pos && a.Pos <= end && (a.Pos < end || a.Pos == pos) {
			return true
		}
	}
	return false
}

// errorCounts counts error findings by file and code.
func errorCounts(fs []Finding) map[string]int {
	out := map[string]int{}
	for _, f := range fs {
		if f.Severity == SeverityError {
			out[f.File+" "+f.Code]++
		}
	}
	return out
}

func errorsOf(ws *Workspace, fs []Finding, key string) []string {
	var out []string
	for _, f := range fs {
		if f.Severity == SeverityError && f.File+" "+f.Code == key {
			out = append(out, describe(ws, f))
		}
	}
	return out
}

func TestSuppression(t *testing.T) {
	src := `{ microvm, nixpkgs, ... }: {
  nixosConfigurations.a = nixpkgs.lib.nixosSystem {
    modules = [
      microvm.nixosModules.host
      # microvm-lsp: ignore role-conflict
      microvm.nixosModules.microvm
    ];
  };
}
`
	for _, tc := range []struct {
		comment string
		want    int
	}{
		{"# microvm-lsp: ignore role-conflict", 0},
		{"# microvm-lsp: ignore", 0},
		{"# microvm-lsp: ignore other-code", 1},
		{"# nothing", 1},
	} {
		s := strings.Replace(src, "# microvm-lsp: ignore role-conflict", tc.comment, 1)
		s = "{ inputs.microvm.url = \"github:astro/microvm.nix\"; outputs = " + s + "; }"
		ws := &Workspace{Files: map[string]*nixast.File{"/ws/flake.nix": nixast.Parse("/ws/flake.nix", []byte(s))}}
		if errs := ws.Files["/ws/flake.nix"].Errors; len(errs) > 0 {
			t.Fatalf("syntax: %v", errs)
		}
		got := countCode(Analyze(ws, Config{}), CodeRoleConflict)
		if got != tc.want {
			t.Errorf("%q: %d role-conflict findings, want %d", tc.comment, got, tc.want)
		}
	}
}

func TestSuppressionWithUnknownCode(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string // the misspelled codes, where the findings start
	}{
		{"{\n  # microvm-lsp: ignore unused-bindng\n  x = 1;\n}", []string{"unused-bindng"}},
		{"{\n  x = 1; # microvm-lsp: ignore role-conflict, rolle-conflict,unused-binding,nope\n}", []string{"rolle-conflict", "nope"}},
		{"{\n  # microvm-lsp: ignore role-conflict syntax-error\n  x = 1;\n}", nil},
		{"{\n  # microvm-lsp: ignore\n  x = 1;\n}", nil},
	} {
		f := nixast.Parse("/ws/a.nix", []byte(tc.src))
		ws := &Workspace{Files: map[string]*nixast.File{"/ws/a.nix": f}}
		var got []string
		for _, fd := range Analyze(ws, Config{}) {
			if fd.Code == CodeUnknownIgnoreCode {
				if fd.Severity != SeverityWarning || !strings.Contains(fd.Message, "suppresses nothing") {
					t.Errorf("%q: %+v", tc.src, fd)
				}
				got = append(got, tc.src[fd.Pos:fd.End])
			}
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%q: findings on %q, want %q", tc.src, got, tc.want)
		}
	}
	cfg := Config{Disabled: map[string]bool{CodeUnknownIgnoreCode: true}}
	ws := &Workspace{Files: map[string]*nixast.File{"/ws/a.nix": nixast.Parse("/ws/a.nix", []byte("# microvm-lsp: ignore nope\n{ }"))}}
	if got := countCode(Analyze(ws, cfg), CodeUnknownIgnoreCode); got != 0 {
		t.Errorf("disabled, still %d findings", got)
	}
}

func TestMessagesNameFilesRelativeToRoot(t *testing.T) {
	for _, tc := range []struct{ dir, file, want string }{
		{"/ws", "/ws/a/b.nix", "a/b.nix"},
		{"/ws/", "/ws/b.nix", "b.nix"},
		{"/ws/sub", "/ws/a/b.nix", "../a/b.nix"},
		{"/", "/ws/b.nix", "ws/b.nix"},
		{"/ws/a/b.nix", "/ws/a/b.nix", "../b.nix"},
		{"rel", "/ws/b.nix", "/ws/b.nix"},
		{"/ws/sub", "/other/b.nix", "/other/b.nix"},
	} {
		if got := relativeName(tc.dir, tc.file); got != tc.want {
			t.Errorf("relativeName(%q, %q) = %q, want %q", tc.dir, tc.file, got, tc.want)
		}
	}
	flake := "{ inputs.microvm.url = \"github:astro/microvm.nix\";\n  outputs = { nixpkgs, ... }@inputs: {\n" +
		"    nixosConfigurations.a = nixpkgs.lib.nixosSystem { specialArgs = { inherit inputs; }; modules = [ ./host.nix ]; };\n  };\n}"
	host := "{ inputs, ... }: {\n  imports = [ inputs.microvm.nixosModules.host inputs.microvm.nixosModules.microvm ];\n}"
	ws := &Workspace{Root: "/ws/elsewhere", Files: map[string]*nixast.File{
		"/ws/flake.nix": nixast.Parse("/ws/flake.nix", []byte(flake)),
		"/ws/host.nix":  nixast.Parse("/ws/host.nix", []byte(host)),
	}}
	var msgs []string
	for _, f := range Analyze(ws, Config{}) {
		if f.Code == CodeRoleConflict {
			msgs = append(msgs, f.Message)
		}
	}
	if len(msgs) == 0 || !strings.Contains(strings.Join(msgs, "\n"), "(via ../flake.nix:3 → ../host.nix:2)") {
		t.Errorf("role-conflict messages %q do not name the chain relative to the root", msgs)
	}
}

// TestEveryCodeIsDocumentedAndTriggered fails when a code that an Analyzer
// declares has no "## code" section in docs/diagnostics.md, or no fixture
// in testdata/analysis with a want of it that a finding meets; and when
// the docs hold a section of a code no Analyzer declares.
func TestEveryCodeIsDocumentedAndTriggered(t *testing.T) {
	docs, err := os.ReadFile("../docs/diagnostics.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]bool{}
	for _, line := range strings.Split(string(docs), "\n") {
		if name, ok := strings.CutPrefix(line, "## "); ok {
			name = strings.TrimSpace(name)
			sections[name] = true
			if regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`).MatchString(name) && !KnownCode(name) {
				t.Errorf("docs/diagnostics.md has a section %q, a code no Analyzer declares", name)
			}
		}
	}
	triggered := map[string]string{}
	for _, path := range fixtures(t) {
		ws, wants := loadFixture(t, path)
		got := Analyze(ws, Config{})
		for _, w := range wants {
			for _, f := range got {
				if w.matches(ws, f) {
					triggered[w.code] = filepath.Base(path)
					break
				}
			}
		}
	}
	for _, c := range Codes() {
		if !sections[c.Code] {
			t.Errorf("code %s has no \"## %s\" section in docs/diagnostics.md", c.Code, c.Code)
		}
		if triggered[c.Code] == "" {
			t.Errorf("code %s: no fixture in testdata/analysis wants a finding of it that the analysis reports", c.Code)
		}
	}
}
