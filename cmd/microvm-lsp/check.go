package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/optindex"
	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
	"github.com/microvm-lsp/microvm-lsp/server"
)

var checkHelp = help{
	usage: "microvm-lsp check [flags] [PATH...]",
	about: `
Analyses Nix files as the language server does and prints the findings.

A directory (the default is .) is one workspace: every *.nix below it (a
symlinked directory, such as /etc/nixos often is, is followed; .git,
node_modules and .direnv are skipped). A file is analysed within the
workspace it belongs to: the nearest directory above it with a flake.nix,
else with a .git (else the file alone), so that a conflict that reaches it
from the flake is found; findings are printed for the given files only, and
a note on stderr says when their systems read files outside them. "-" reads
one file from stdin.

Settings: the file ` + server.SettingsFile + ` in the root of the first workspace that
has one (the language server reads it too) is a JSON object with the keys of
the editor settings: "disabledChecks" (codes), "severity" (code to error,
warning, information or hint), "excludePaths" (globs relative to that root).
--disable, --severity and --exclude add to it.

Text output is FILE:LINE:COLUMN: severity: message [code], columns counted
in bytes from 1, paths relative to the current directory (as in messages);
JSON has the same fields (line and column 1-based, in bytes; endLine and
endColumn exclusive). SARIF 2.1.0 counts columns in UTF-16 code units, as
its columnKind says. At most --max-per-file findings per file are printed
(errors first), then one line says how many more there are. A file with
NUL bytes is not Nix: it gets one finding and is not parsed.

--fix CODE applies the first fix of each finding with that code (the fix an
editor offers first) and writes the files, then prints what remains in the
chosen format; fixes that touch the same text wait for the next round, up to
10 rounds. --diff shows the same changes as a unified diff and writes
nothing.`,
	exit: `  0  no finding at or above --fail-on (by default: no errors)
  1  a finding at or above --fail-on; with --diff: fixes would change files
  2  usage error, an unknown code, no .nix file to check, or a file or
     directory could not be read`,
	examples: `  microvm-lsp check                              the workspace in the current directory
  microvm-lsp check /etc/nixos
  microvm-lsp check hosts/web/default.nix        that file, analysed with the rest of its flake
  microvm-lsp check . --format sarif > mvm.sarif for code scanning
  microvm-lsp check --fail-on warning --disable unused-binding
  microvm-lsp check --severity role-conflict=warning --exclude 'vendor/**'
  microvm-lsp check --fix unused-binding --diff  what the fix would change
  microvm-lsp check --fix role-conflict          apply it
  git show HEAD:flake.nix | microvm-lsp check -  a file on stdin`,
}

// checkOptions are check's flags.
type checkOptions struct {
	format     choiceFlag
	fix        string
	diff       bool
	disable    listFlag
	severity   listFlag
	exclude    repeatFlag
	failOn     choiceFlag
	color      choiceFlag
	quiet      bool
	maxPerFile int
	storeRoot  string
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	o := checkOptions{
		format: choiceFlag{"text", []string{"text", "json", "sarif"}},
		failOn: choiceFlag{"error", []string{"error", "warning", "information", "hint"}},
		color:  choiceFlag{"auto", []string{"auto", "always", "never"}},
	}
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.Var(&o.format, "format", "output `FORMAT`: text, json or sarif")
	fs.StringVar(&o.fix, "fix", "", "apply the first fix of each finding with this `CODE` and write the files")
	fs.BoolVar(&o.diff, "diff", false, "with --fix: print the changes as a unified diff and write nothing")
	fs.Var(&o.disable, "disable", "do not run the check with this `CODE` (repeatable, or comma-separated)")
	fs.Var(&o.severity, "severity", "report `CODE=LEVEL` (error, warning, information or hint) (repeatable)")
	fs.Var(&o.exclude, "exclude", "leave out files matching `GLOB`, relative to the workspace root; ** matches\nany number of directories (repeatable)")
	fs.Var(&o.failOn, "fail-on", "exit 1 when a finding of this `LEVEL` or worse is printed: error, warning,\ninformation or hint")
	fs.Var(&o.color, "color", "colour the text output: `WHEN` is auto (on a terminal, unless NO_COLOR is set),\nalways or never")
	fs.BoolVar(&o.quiet, "q", false, "print no summary or notes on stderr")
	fs.StringVar(&o.storeRoot, "store-root", "", "the `DIR` the Nix store sits under, for the sources flake.lock pins")
	fs.IntVar(&o.maxPerFile, "max-per-file", 50, "print at most `N` findings per file (0: all)")
	paths, code, ok := parseFlags(fs, checkHelp, args, stdout, stderr)
	if !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "microvm-lsp check: "+format+"\n", a...)
		return 2
	}
	if o.diff && o.fix == "" {
		return fail("--diff shows the changes of --fix CODE; give --fix")
	}
	if o.diff && o.format.value != "text" {
		return fail("--diff prints a unified diff; it does not combine with --format %s", o.format.value)
	}
	if o.fix != "" && !analysis.KnownCode(o.fix) {
		return fail("--fix: %q is not a microvm-lsp code (see docs/diagnostics.md)", o.fix)
	}
	if o.maxPerFile < 0 {
		return fail("--max-per-file: %d is negative", o.maxPerFile)
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	cwd, err := os.Getwd()
	if err != nil {
		return fail("%v", err)
	}
	in, err := gatherInput(paths, cwd, o.exclude)
	if err != nil {
		return fail("%v", err)
	}
	cfg, err := in.config(o, stderr)
	if err != nil {
		return fail("%v", err)
	}
	ws := &analysis.Workspace{Files: map[string]*nixast.File{}, Root: filepath.ToSlash(cwd), Exists: func(p string) bool {
		_, err := os.Stat(filepath.FromSlash(p))
		return err == nil
	}}
	if len(in.roots) > 0 {
		// each workspace's systems are checked against the microvm.nix it pins
		ws.MicrovmFolders = &microvm.Folders{}
		cache := optindex.NewCache("")
		for i, root := range in.roots {
			facts, absent, _ := microvm.Pinned(filepath.FromSlash(root), nixstore.Default(o.storeRoot), os.Getenv("NIX_PATH"), cache)
			ws.MicrovmFolders.Dirs = append(ws.MicrovmFolders.Dirs, strings.TrimSuffix(root, "/"))
			ws.MicrovmFolders.Facts = append(ws.MicrovmFolders.Facts, facts)
			if i == 0 {
				ws.Microvm = facts
			}
			if absent != nil {
				ws.AbsentInputs = append(ws.AbsentInputs, absent.Input)
				if !o.quiet {
					fmt.Fprintf(stderr, "microvm-lsp check: %s is not in the Nix store (try nix flake archive); options are checked against %s\n", absent.Ref, microvm.Embedded().Origin())
				}
			}
		}
		var absentSets []string
		ws.Options, absentSets = optionFolders(in.roots, o.storeRoot, o.quiet, stderr)
		ws.AbsentInputs = append(ws.AbsentInputs, absentSets...)
	}
	ws.Sources = inputSources(in.keys(), o.storeRoot)
	c := &checkRun{in: in, cfg: cfg, cache: analysis.NewCache(), ws: ws}
	c.parse(in.keys())
	findings := c.analyse()

	if o.fix != "" {
		before := map[string][]byte{}
		fixed := 0
		findings, fixed = c.fix(o.fix, findings, before)
		if o.diff {
			changed := writeDiffs(stdout, c, before)
			if !o.quiet {
				fmt.Fprintf(stderr, "%d finding(s) with code %s fixed in %d file(s) (nothing written)\n", fixed, o.fix, changed)
			}
			if changed > 0 {
				return 1
			}
			return 0
		}
		for _, key := range sortedKeys(before) {
			if err := os.WriteFile(c.in.files[key].path, c.ws.Files[key].Src, 0o644); err != nil {
				return fail("%v", err)
			}
		}
		if !o.quiet {
			fmt.Fprintf(stderr, "%d finding(s) with code %s fixed in %d file(s)\n", fixed, o.fix, len(before))
		}
	}

	shown, hidden := capPerFile(findings, o.maxPerFile)
	switch o.format.value {
	case "json":
		writeJSON(stdout, c, shown)
	case "sarif":
		writeSARIF(stdout, c, shown)
	default:
		writeText(stdout, c, shown, hidden, useColor(o.color.value, stdout))
	}
	if !o.quiet {
		if o.format.value != "text" {
			for _, key := range sortedKeys(hidden) {
				fmt.Fprintf(stderr, "%s: %d more finding(s) not shown (--max-per-file %d)\n", c.name(key), hidden[key], o.maxPerFile)
			}
		}
		c.noteOutside(stderr)
		fmt.Fprintln(stderr, summary(len(in.report), findings))
	}
	limit, _ := analysis.ParseSeverity(o.failOn.value)
	for _, f := range findings {
		if f.Severity <= limit {
			return 1
		}
	}
	return 0
}

// inputFile is one file of the workspace.
type inputFile struct {
	path string // where it is read and written
	src  []byte
}

// checkInput is what the paths on the command line name: the files of the
// workspace, those whose findings are printed, and the workspace roots.
type checkInput struct {
	files  map[string]*inputFile // by key: absolute, slash-separated
	report map[string]bool       // keys whose findings are printed
	roots  []string              // workspace directories, in the order of the arguments
	// partial is set when a file argument was analysed with the rest of
	// its workspace.
	partial bool
	// docsLink is the docsUrl of the settings file: SARIF rules link to
	// docsLink#code. Empty: no links, rather than ones that may not exist.
	docsLink string
}

func (in *checkInput) keys() []string { return sortedKeys(in.files) }

// stdinName is the key (under the current directory) of a file read from stdin.
const stdinName = "<stdin>"

// gatherInput reads the files the paths name (see checkHelp).
func gatherInput(paths []string, cwd string, exclude []string) (*checkInput, error) {
	in := &checkInput{files: map[string]*inputFile{}, report: map[string]bool{}}
	addRoot := func(dir string) {
		for _, r := range in.roots {
			if r == dir {
				return
			}
		}
		in.roots = append(in.roots, dir)
	}
	read := func(path, key string) error {
		if in.files[key] != nil {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		in.files[key] = &inputFile{path: path, src: src}
		return nil
	}
	// walk adds the .nix files below a workspace root not excluded.
	walk := func(root string) ([]string, error) {
		excl := append(append([]string(nil), exclude...), rootExcludes(root)...)
		files, err := walkNix(root, func(p string) bool {
			return server.Excluded(excl, filepath.ToSlash(root), filepath.ToSlash(p))
		})
		if err != nil {
			return nil, err
		}
		var todo []string
		for _, p := range files {
			if in.files[filepath.ToSlash(p)] == nil {
				todo = append(todo, p)
			}
		}
		srcs, errs := readFiles(todo)
		for i, p := range todo {
			if errs[i] != nil {
				return nil, errs[i]
			}
			in.files[filepath.ToSlash(p)] = &inputFile{path: p, src: srcs[i]}
		}
		return files, nil
	}
	for _, p := range paths {
		if p == "-" {
			src, err := io.ReadAll(os.Stdin)
			if err != nil {
				return nil, fmt.Errorf("stdin: %v", err)
			}
			key := filepath.ToSlash(filepath.Join(cwd, stdinName))
			in.files[key] = &inputFile{path: stdinName, src: src}
			in.report[key] = true
			continue
		}
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cwd, p)
		}
		abs = filepath.Clean(abs)
		info, err := os.Stat(abs)
		if err != nil {
			return nil, err
		}
		if info.IsDir() {
			addRoot(abs)
			files, err := walk(abs)
			if err != nil {
				return nil, err
			}
			if len(files) == 0 {
				return nil, fmt.Errorf("no .nix files below %s (excluded or none there)", p)
			}
			for _, f := range files {
				in.report[filepath.ToSlash(f)] = true
			}
			continue
		}
		if root := workspaceRoot(filepath.Dir(abs)); root != "" {
			addRoot(root)
			if _, err := walk(root); err != nil {
				return nil, err
			}
			in.partial = true
		}
		key := filepath.ToSlash(abs)
		if err := read(abs, key); err != nil {
			return nil, err
		}
		in.report[key] = true
	}
	return in, nil
}

// rootExcludes returns the excludePaths of a settings file in root.
func rootExcludes(root string) []string {
	ws, found, err := server.ReadSettingsFile(root)
	if !found || err != nil {
		return nil
	}
	return ws.Exclude
}

// config returns the analysis configuration: the settings file of the first
// root that has one, then the flags.
func (in *checkInput) config(o checkOptions, stderr io.Writer) (analysis.Config, error) {
	cfg := analysis.Config{Disabled: map[string]bool{}, Severity: map[string]analysis.Severity{}}
	for _, root := range in.roots {
		ws, found, err := server.ReadSettingsFile(root)
		if err != nil {
			return cfg, err
		}
		if !found {
			continue
		}
		for _, w := range ws.Warnings {
			fmt.Fprintf(stderr, "microvm-lsp check: %s: %s\n", filepath.Join(root, server.SettingsFile), strings.TrimPrefix(w, server.SettingsFile+": "))
		}
		if in.docsLink == "" {
			in.docsLink = ws.DocsLink
		}
		for code := range ws.Config.Disabled {
			cfg.Disabled[code] = true
		}
		for code, sev := range ws.Config.Severity {
			cfg.Severity[code] = sev
		}
		break
	}
	for _, code := range o.disable {
		if !analysis.KnownCode(code) {
			return cfg, fmt.Errorf("--disable: %q is not a microvm-lsp code", code)
		}
		cfg.Disabled[code] = true
	}
	for _, s := range o.severity {
		code, level, ok := strings.Cut(s, "=")
		if !ok {
			return cfg, fmt.Errorf("--severity %q: want CODE=LEVEL", s)
		}
		if !analysis.KnownCode(code) {
			return cfg, fmt.Errorf("--severity: %q is not a microvm-lsp code", code)
		}
		sev, ok := analysis.ParseSeverity(strings.ToLower(level))
		if !ok {
			return cfg, fmt.Errorf("--severity %s: %q is not one of error, warning, information, hint", code, level)
		}
		cfg.Severity[code] = sev
	}
	return cfg, nil
}

// checkRun is the parsed workspace and its analysis.
type checkRun struct {
	in    *checkInput
	cfg   analysis.Config
	cache *analysis.Cache
	ws    *analysis.Workspace
	// notNix are the files with NUL bytes, by key: the offset of the first.
	notNix map[string]int
}

// parse parses the files of keys on every core, leaving out those with NUL
// bytes: a binary file named .nix would give thousands of syntax errors.
func (c *checkRun) parse(keys []string) {
	if c.notNix == nil {
		c.notNix = map[string]int{}
	}
	// A Workspace is immutable once analysed (the cache relies on it): a
	// new one shares the files that did not change.
	files := make(map[string]*nixast.File, len(c.ws.Files)+len(keys))
	for k, f := range c.ws.Files {
		files[k] = f
	}
	old := c.ws
	c.ws = &analysis.Workspace{Files: files, Root: old.Root, Exists: old.Exists, Microvm: old.Microvm, MicrovmFolders: old.MicrovmFolders, AbsentInputs: old.AbsentInputs, Options: old.Options, Sources: old.Sources}
	srcs := make([][]byte, len(keys))
	for i, key := range keys {
		if src := c.in.files[key].src; bytes.IndexByte(src, 0) < 0 {
			if src == nil {
				src = []byte{} // an empty file, which prepareFiles must not skip
			}
			srcs[i] = src
		}
	}
	parsed := prepareFiles(c.cache, keys, srcs)
	for i, key := range keys {
		if parsed[i] == nil {
			c.notNix[key] = bytes.IndexByte(c.in.files[key].src, 0)
			delete(c.ws.Files, key)
			continue
		}
		delete(c.notNix, key)
		c.ws.Files[key] = parsed[i]
	}
}

// analyse returns the findings in the files to report.
func (c *checkRun) analyse() []analysis.Finding {
	var out []analysis.Finding
	for key, off := range c.notNix {
		if c.in.report[key] && !c.cfg.Disabled[analysis.CodeSyntaxError] {
			sev := analysis.SeverityError
			if s, ok := c.cfg.Severity[analysis.CodeSyntaxError]; ok {
				sev = s
			}
			out = append(out, analysis.Finding{File: key, Pos: off, End: off + 1, Severity: sev, Code: analysis.CodeSyntaxError,
				Message: fmt.Sprintf("the file has a NUL byte at offset %d: it is not Nix source (binary?), so it was not parsed", off)})
		}
	}
	for _, f := range c.cache.Analyze(c.ws, c.cfg) {
		if c.in.report[f.File] {
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Pos < out[j].Pos
	})
	return out
}

// fix applies the first fix of each finding with code, in rounds: a fix
// whose edits touch or overlap one already taken waits for the next round,
// on the text the others left. The sources before the first change are
// kept in before. It returns the findings that remain and how many were
// fixed.
func (c *checkRun) fix(code string, findings []analysis.Finding, before map[string][]byte) ([]analysis.Finding, int) {
	fixed := 0
	for round := 0; round < 10; round++ {
		edits := analysis.EditSet{Touching: true}
		n := 0
		for _, f := range findings {
			if f.Code != code || len(f.Fixes) == 0 {
				continue
			}
			ok := true
			for _, e := range f.Fixes[0].Edits {
				if c.ws.Files[e.File] == nil {
					ok = false // not a file of the workspace
				}
			}
			if !ok || edits.Collides(f.Fixes[0].Edits) {
				continue
			}
			edits.Add(f.Fixes[0].Edits)
			n++
		}
		if n == 0 {
			break
		}
		fixed += n
		changed := edits.Files()
		for _, key := range changed {
			src := c.ws.Files[key].Src
			if _, ok := before[key]; !ok {
				before[key] = src
			}
			c.in.files[key].src = analysis.Apply(src, edits.File(key))
		}
		c.parse(changed)
		findings = c.analyse()
	}
	return findings, fixed
}

// name is how output names a file: relative to the current directory, as
// the analysis' messages do.
func (c *checkRun) name(key string) string {
	if f := c.in.files[key]; f != nil && f.path == stdinName {
		return stdinName
	}
	return filepath.FromSlash(c.ws.Name(key))
}

// position returns the 1-based line and byte column of an offset.
func (c *checkRun) position(key string, off int) (int, int) {
	lines := c.lines(key)
	if lines == nil {
		return 1, 1
	}
	l, col := lines.Position(off)
	return l + 1, col + 1
}

// positionUTF16 is position with the column in UTF-16 code units.
func (c *checkRun) positionUTF16(key string, off int) (int, int) {
	lines := c.lines(key)
	if lines == nil {
		return 1, 1
	}
	l, col := lines.PositionUTF16(off)
	return l + 1, col + 1
}

func (c *checkRun) lines(key string) *nixast.LineIndex {
	if f := c.ws.Files[key]; f != nil {
		return f.Lines
	}
	if f := c.in.files[key]; f != nil {
		return nixast.NewLineIndex(f.src)
	}
	return nil
}

// noteOutside says which systems of the given files read files outside
// them, when files were given within a larger workspace: their findings
// there are not printed.
func (c *checkRun) noteOutside(w io.Writer) {
	if !c.in.partial {
		return
	}
	for _, s := range c.cache.Systems(c.ws) {
		given := false
		var outside []string
		for _, f := range s.Files {
			if c.in.report[f] {
				given = true
			} else {
				outside = append(outside, c.name(f))
			}
		}
		if !given || len(outside) == 0 {
			continue
		}
		more := ""
		if len(outside) > 3 {
			more = fmt.Sprintf(" and %d more", len(outside)-3)
			outside = outside[:3]
		}
		fmt.Fprintf(w, "note: system `%s` (%s) also reads %s%s, outside the given paths: findings there are not printed (run check on %s for them)\n",
			s.Name, c.name(s.File), strings.Join(outside, ", "), more, c.rootName())
	}
}

func (c *checkRun) rootName() string {
	if len(c.in.roots) == 0 {
		return "."
	}
	return filepath.Dir(c.name(filepath.ToSlash(c.in.roots[0]) + "/flake.nix"))
}

// capPerFile keeps at most max findings per file, errors first, in their
// order; hidden counts the rest per file.
func capPerFile(findings []analysis.Finding, limit int) ([]analysis.Finding, map[string]int) {
	hidden := map[string]int{}
	if limit == 0 {
		return findings, hidden
	}
	count := map[string]int{}
	for _, f := range findings {
		count[f.File]++
	}
	var out []analysis.Finding
	for i := 0; i < len(findings); {
		j := i
		for j < len(findings) && findings[j].File == findings[i].File {
			j++
		}
		group := findings[i:j]
		if len(group) > limit {
			keep := append([]analysis.Finding(nil), group...)
			sort.SliceStable(keep, func(a, b int) bool { return keep[a].Severity < keep[b].Severity })
			keep = keep[:limit]
			sort.SliceStable(keep, func(a, b int) bool { return keep[a].Pos < keep[b].Pos })
			hidden[group[0].File] = len(group) - limit
			group = keep
		}
		out = append(out, group...)
		i = j
	}
	return out, hidden
}

// summary is the line on stderr: "12 files: 1 error, 3 warnings".
func summary(files int, findings []analysis.Finding) string {
	counts := map[analysis.Severity]int{}
	for _, f := range findings {
		counts[f.Severity]++
	}
	var parts []string
	for _, s := range []analysis.Severity{analysis.SeverityError, analysis.SeverityWarning, analysis.SeverityInformation, analysis.SeverityHint} {
		if n := counts[s]; n > 0 || s <= analysis.SeverityWarning {
			parts = append(parts, plural(n, s.String()))
		}
	}
	return fmt.Sprintf("%s: %s", plural(files, "file"), strings.Join(parts, ", "))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if word == "information" {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// optionFolders indexes the NixOS, home-manager and nix-darwin sources each
// workspace root pins, when they are in the store.
func optionFolders(roots []string, storeRoot string, quiet bool, stderr io.Writer) (*optindex.Folders, []string) {
	cache := optindex.NewCache("")
	var absentInputs []string
	fs := &optindex.Folders{}
	any := false
	for _, r := range roots {
		srcs, err := optindex.Locate(filepath.FromSlash(r), nixstore.Default(storeRoot), os.Getenv("NIX_PATH"))
		if err != nil {
			continue
		}
		sets, absent := optindex.BuildSets(srcs, cache, func(s *optindex.Source) bool { return microvm.IsFlakeURL(s.Ref) || s.Input == "microvm" })
		for _, a := range absent {
			absentInputs = append(absentInputs, a.Input)
			if !quiet {
				fmt.Fprintf(stderr, "microvm-lsp check: %s (input %s) is not in the Nix store (try nix flake archive); its options are not checked\n", a.Ref, a.Input)
			}
		}
		fs.Dirs = append(fs.Dirs, strings.TrimSuffix(r, "/"))
		fs.Sets = append(fs.Sets, sets)
		any = any || sets != nil
	}
	if !any {
		return nil, absentInputs
	}
	return fs, absentInputs
}

// prepareFiles parses srcs (nil: none) on every core and returns what the
// cache keeps of each (analysis.Cache.PrepareSource): most files as
// summaries, without their tree. Each worker parses into an arena of its
// own, and its next file takes the memory of the trees it dropped; the
// collector runs as usual, as what the cache drops is garbage (the 107 MB
// workspace checked in 4.4 s and 470 MB, against 6.4 s and 1.9 GB with
// every tree kept and no collection).
func prepareFiles(cache *analysis.Cache, keys []string, srcs [][]byte) []*nixast.File {
	out := make([]*nixast.File, len(keys))
	onWorkers(runtime.GOMAXPROCS(0), len(keys), func() func(i int) {
		var arena nixast.TreeArena
		return func(i int) {
			if srcs[i] == nil {
				return
			}
			out[i] = cache.PrepareSource(&arena, keys[i], srcs[i])
		}
	})
	return out
}
