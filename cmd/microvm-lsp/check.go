package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/optindex"
	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
)

// checkFile is one file of the workspace: the name printed (as found below
// the given PATH) and its parse.
type checkFile struct {
	name string
	file *nixast.File
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text, json or sarif")
	fixCode := fs.String("fix", "", "apply the first fix of each finding with this code and write the files")
	storeRoot := fs.String("store-root", "", "the directory the Nix store sits under, for the sources flake.lock pins")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *format != "text" && *format != "json" && *format != "sarif" {
		fmt.Fprintf(stderr, "microvm-lsp check: unknown format %q (text, json or sarif)\n", *format)
		return 2
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	names, err := collectNixFiles(paths)
	if err != nil {
		fmt.Fprintf(stderr, "microvm-lsp check: %v\n", err)
		return 2
	}
	ws := &analysis.Workspace{Files: map[string]*nixast.File{}, Exists: func(p string) bool {
		_, err := os.Stat(filepath.FromSlash(p))
		return err == nil
	}}
	if dir, err := filepath.Abs(paths[0]); err == nil {
		facts, absent, _ := microvm.Pinned(dir, nixstore.Default(*storeRoot), os.Getenv("NIX_PATH"), optindex.NewCache(""))
		ws.Microvm = facts
		if absent != nil {
			ws.AbsentInputs = []string{absent.Input}
			fmt.Fprintf(stderr, "microvm-lsp check: %s is not in the Nix store (try nix flake archive); options are checked against %s\n", absent.Ref, microvm.Embedded().Origin())
		}
	}
	byKey := map[string]*checkFile{}
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(stderr, "microvm-lsp check: %v\n", err)
			return 2
		}
		abs, err := filepath.Abs(name)
		if err != nil {
			fmt.Fprintf(stderr, "microvm-lsp check: %v\n", err)
			return 2
		}
		key := filepath.ToSlash(abs)
		f := nixast.Parse(key, src)
		ws.Files[key] = f
		byKey[key] = &checkFile{name: name, file: f}
	}
	findings := analysis.Analyze(ws, analysis.Config{})

	if *fixCode != "" {
		return applyFixes(findings, *fixCode, byKey, stdout, stderr)
	}

	status := 0
	for _, f := range findings {
		if f.Severity == analysis.SeverityError {
			status = 1
		}
	}
	switch *format {
	case "json":
		writeJSON(stdout, findings, byKey)
	case "sarif":
		writeSARIF(stdout, findings, byKey)
	default:
		for _, f := range findings {
			fmt.Fprintf(stdout, "%s: %s: %s [%s]\n", where(byKey, f.File, f.Pos), f.Severity, f.Message, f.Code)
			for _, r := range f.Related {
				fmt.Fprintf(stdout, "    %s: %s\n", where(byKey, r.File, r.Pos), r.Message)
			}
		}
	}
	return status
}

// position returns the printed name and 1-based line and byte column of an offset.
func position(byKey map[string]*checkFile, key string, off int) (string, int, int) {
	cf, ok := byKey[key]
	if !ok {
		return key, 1, 1
	}
	l, c := cf.file.Lines.Position(off)
	return cf.name, l + 1, c + 1
}

func where(byKey map[string]*checkFile, key string, off int) string {
	name, l, c := position(byKey, key, off)
	return fmt.Sprintf("%s:%d:%d", name, l, c)
}

type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type jsonEdit struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	NewText   string `json:"newText"`
}

type jsonFix struct {
	Title string     `json:"title"`
	Edits []jsonEdit `json:"edits"`
}

type jsonFinding struct {
	File      string        `json:"file"`
	Line      int           `json:"line"`
	Column    int           `json:"column"`
	EndLine   int           `json:"endLine"`
	EndColumn int           `json:"endColumn"`
	Severity  string        `json:"severity"`
	Code      string        `json:"code"`
	Message   string        `json:"message"`
	Related   []jsonRelated `json:"related"`
	Fixes     []jsonFix     `json:"fixes"`
}

func toJSON(findings []analysis.Finding, byKey map[string]*checkFile) []jsonFinding {
	out := []jsonFinding{}
	for _, f := range findings {
		name, l, c := position(byKey, f.File, f.Pos)
		_, el, ec := position(byKey, f.File, f.End)
		jf := jsonFinding{File: name, Line: l, Column: c, EndLine: el, EndColumn: ec,
			Severity: f.Severity.String(), Code: f.Code, Message: f.Message, Related: []jsonRelated{}, Fixes: []jsonFix{}}
		for _, r := range f.Related {
			rn, rl, rc := position(byKey, r.File, r.Pos)
			jf.Related = append(jf.Related, jsonRelated{File: rn, Line: rl, Column: rc, Message: r.Message})
		}
		for _, fx := range f.Fixes {
			j := jsonFix{Title: fx.Title, Edits: []jsonEdit{}}
			for _, e := range fx.Edits {
				en, el, ec := position(byKey, e.File, e.Pos)
				_, eel, eec := position(byKey, e.File, e.End)
				j.Edits = append(j.Edits, jsonEdit{File: en, Line: el, Column: ec, EndLine: eel, EndColumn: eec, NewText: e.NewText})
			}
			jf.Fixes = append(jf.Fixes, j)
		}
		out = append(out, jf)
	}
	return out
}

func writeJSON(w io.Writer, findings []analysis.Finding, byKey map[string]*checkFile) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(toJSON(findings, byKey))
}

// writeSARIF writes SARIF 2.1.0, the format code-scanning services take.
func writeSARIF(w io.Writer, findings []analysis.Finding, byKey map[string]*checkFile) {
	level := map[analysis.Severity]string{analysis.SeverityError: "error", analysis.SeverityWarning: "warning",
		analysis.SeverityInformation: "note", analysis.SeverityHint: "note"}
	rules := map[string]bool{}
	var results []map[string]any
	for _, jf := range toJSON(findings, byKey) {
		rules[jf.Code] = true
		sev, _ := analysis.ParseSeverity(jf.Severity)
		results = append(results, map[string]any{
			"ruleId":  jf.Code,
			"level":   level[sev],
			"message": map[string]any{"text": jf.Message},
			"locations": []any{map[string]any{"physicalLocation": map[string]any{
				"artifactLocation": map[string]any{"uri": filepath.ToSlash(jf.File)},
				"region": map[string]any{"startLine": jf.Line, "startColumn": jf.Column,
					"endLine": jf.EndLine, "endColumn": jf.EndColumn},
			}}},
		})
	}
	var ruleList []map[string]any
	var codes []string
	for c := range rules {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		ruleList = append(ruleList, map[string]any{"id": c,
			"helpUri": "https://github.com/microvm-lsp/microvm-lsp/blob/main/docs/diagnostics.md#" + c})
	}
	if results == nil {
		results = []map[string]any{}
	}
	doc := map[string]any{
		"version": "2.1.0",
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"runs": []any{map[string]any{
			"tool":    map[string]any{"driver": map[string]any{"name": "microvm-lsp", "version": version, "rules": ruleList}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(doc)
}

// applyFixes applies the first fix of every finding with code, skipping
// edits that overlap one already taken, and writes the changed files.
func applyFixes(findings []analysis.Finding, code string, byKey map[string]*checkFile, stdout, stderr io.Writer) int {
	edits := map[string][]analysis.TextEdit{}
	applied := 0
	for _, f := range findings {
		if f.Code != code || len(f.Fixes) == 0 {
			continue
		}
		ok := true
		for _, e := range f.Fixes[0].Edits {
			for _, o := range edits[e.File] {
				if e.Pos < o.End && o.Pos < e.End || e.Pos == o.Pos {
					ok = false
				}
			}
		}
		if !ok {
			continue
		}
		for _, e := range f.Fixes[0].Edits {
			edits[e.File] = append(edits[e.File], e)
		}
		applied++
	}
	for key, es := range edits {
		cf, ok := byKey[key]
		if !ok {
			fmt.Fprintf(stderr, "microvm-lsp check: fix edits %s, which is not in the workspace\n", key)
			return 2
		}
		sort.Slice(es, func(i, j int) bool { return es[i].Pos > es[j].Pos })
		src := append([]byte(nil), cf.file.Src...)
		for _, e := range es {
			src = append(src[:e.Pos], append([]byte(e.NewText), src[e.End:]...)...)
		}
		if err := os.WriteFile(cf.name, src, 0o644); err != nil {
			fmt.Fprintf(stderr, "microvm-lsp check: %v\n", err)
			return 2
		}
		fmt.Fprintf(stdout, "fixed %s\n", cf.name)
	}
	fmt.Fprintf(stdout, "%d finding(s) with code %s fixed\n", applied, code)
	return 0
}
