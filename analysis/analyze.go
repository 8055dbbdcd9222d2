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
	var out []Finding
	paths := make([]string, 0, len(ws.Files))
	for p := range ws.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		f := ws.Files[path]
		for _, e := range f.Errors {
			out = append(out, Finding{File: path, Pos: e.Pos, End: e.End, Severity: SeverityError, Code: "syntax-error", Message: e.Msg})
		}
	}
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
