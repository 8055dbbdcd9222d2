package analysis

import (
	"sort"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Workspace is an immutable view of the parsed files of a workspace, keyed by
// path (slash-separated). Callers build a new Workspace for each change and
// may share unchanged *nixast.File values between them.
type Workspace struct {
	Files map[string]*nixast.File
}

// Config selects and adjusts checks.
type Config struct {
	Disabled map[string]bool     // codes of checks that do not run
	Severity map[string]Severity // severity overrides per code
}

// Analyze runs every enabled check over the workspace and returns the
// findings, sorted by file and position.
func Analyze(ws *Workspace, cfg Config) []Finding {
	return NewCache().Analyze(ws, cfg)
}

// Analyze is Analyze with the per-file work of earlier calls reused.
func (c *Cache) Analyze(ws *Workspace, cfg Config) []Finding {
	c.prune(ws)
	memos := make(map[string]*fileMemo, len(ws.Files))
	for path, f := range ws.Files {
		m := c.memo(path, f)
		m.scan(f)
		memos[path] = m
	}
	var out []Finding
	for path, f := range ws.Files {
		for _, e := range f.Errors {
			fd := Finding{File: path, Pos: e.Pos, End: e.End, Severity: SeverityError, Code: CodeSyntaxError, Message: e.Msg}
			if e.Kind == nixast.ErrDuplicateAttr {
				fd.Code = CodeDuplicateAttribute
				if e.Related >= 0 {
					fd.Related = []Related{{File: path, Pos: e.Related, End: e.Related, Message: "first defined here"}}
				}
			}
			out = append(out, fd)
		}
	}
	out = append(out, c.runAnalyzers(ws, cfg, memos)...)
	kept := out[:0]
	for _, f := range out {
		if m := memos[f.File]; m == nil || !m.ignored(ws.Files[f.File], f) {
			kept = append(kept, f)
		}
	}
	out = kept
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		if out[i].Pos != out[j].Pos {
			return out[i].Pos < out[j].Pos
		}
		return out[i].Code < out[j].Code
	})
	return applyConfig(out, cfg)
}

func applyConfig(in []Finding, cfg Config) []Finding {
	out := in[:0]
	for _, f := range in {
		if cfg.Disabled[f.Code] {
			continue
		}
		if s, ok := cfg.Severity[f.Code]; ok {
			f.Severity = s
		}
		out = append(out, f)
	}
	return out
}

func (c *Cache) runAnalyzers(ws *Workspace, cfg Config, memos map[string]*fileMemo) []Finding {
	var g *graph
	p := &Pass{Workspace: ws, seen: map[string]bool{}, cache: c, memos: memos}
	var out []Finding
	for _, a := range Analyzers {
		if cfg.Disabled[a.Name] {
			continue
		}
		if a.PerFile {
			out = append(out, c.runPerFile(a, ws, memos, p)...)
			continue
		}
		if g == nil {
			g = buildGraph(ws, memos)
			p.graph, p.Systems = g, g.systems
		}
		a.Run(p)
	}
	return append(out, p.findings...)
}
