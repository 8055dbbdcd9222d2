package analysis

import (
	"sort"
	"strings"

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
	out = append(out, runAnalyzers(ws, cfg)...)
	out = suppress(ws, out)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Pos < out[j].Pos
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

func runAnalyzers(ws *Workspace, cfg Config) []Finding {
	g := buildGraph(ws)
	p := &Pass{Workspace: ws, graph: g, Systems: g.systems, seen: map[string]bool{}}
	for _, a := range Analyzers {
		if cfg.Disabled[a.Name] {
			continue
		}
		a.Run(p)
	}
	return p.findings
}

// suppress drops findings whose line or the line above holds a
// `# microvm-lsp: ignore [CODE...]` comment.
func suppress(ws *Workspace, in []Finding) []Finding {
	out := in[:0]
	for _, f := range in {
		if !suppressed(ws.Files[f.File], f) {
			out = append(out, f)
		}
	}
	return out
}

func suppressed(file *nixast.File, f Finding) bool {
	if file == nil {
		return false
	}
	line := file.Lines.Line(f.Pos)
	for _, t := range file.Tokens {
		if t.Kind != nixast.COMMENT {
			continue
		}
		l := file.Lines.Line(t.Pos())
		if l != line && l != line-1 {
			continue
		}
		text := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t.Text(file.Src)), "#"))
		rest, ok := strings.CutPrefix(text, "microvm-lsp:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 || fields[0] != "ignore" {
			continue
		}
		if len(fields) == 1 {
			return true
		}
		for _, c := range fields[1:] {
			if strings.TrimRight(c, ",") == f.Code {
				return true
			}
		}
	}
	return false
}
