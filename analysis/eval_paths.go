// Strings and paths in the abstract evaluator.

package analysis

import (
	"path"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func (ev *evaluator) evalString(parts []nixast.StringPart, e *env, file string) Value {
	var b strings.Builder
	for _, p := range parts {
		switch p := p.(type) {
		case *nixast.TextPart:
			b.WriteString(p.Value)
		case *nixast.Interp:
			t := textOf(ev.eval(p.X, e, file))
			if !ev.spend(len(t) / 64) {
				return unknown
			}
			b.WriteString(t)
		}
	}
	if strings.Contains(b.String(), "\x00foreign") {
		return &foreignV{}
	}
	if p := ev.sourcePath(b.String()); p != nil {
		return p
	}
	return classifyText(b.String(), "")
}

// classifyText turns a path text into a module reference when it names one
// of microvm.nix's module directories.
func classifyText(s, file string) Value {
	if which, ok := microvm.ModuleOfPath(s); ok {
		return &modRefV{Which: which}
	}
	if file != "" {
		return &pathV{File: file, Text: s}
	}
	return &strV{S: s}
}

// Every system that reads a module evaluates its path literals again (an
// import of ../shared.nix, once per host): they are read without building
// what a literal of one part already is, and joined to their file once.
func (ev *evaluator) evalPath(x *nixast.PathLit, e *env, file string) Value {
	text, known := "", true
	if len(x.Parts) == 1 {
		if t, ok := x.Parts[0].(*nixast.TextPart); ok {
			text = t.Value
		}
	}
	if text == "" {
		var b strings.Builder
		for _, p := range x.Parts {
			switch p := p.(type) {
			case *nixast.TextPart:
				b.WriteString(p.Value)
			case *nixast.Interp:
				v := ev.eval(p.X, e, file)
				if s, ok := v.(*strV); ok && !strings.Contains(s.S, "\x00") && ev.spend(len(s.S)/64) {
					b.WriteString(s.S)
				} else {
					known = false
					b.WriteString("\x00")
				}
			}
		}
		text = b.String()
	}
	if which, ok := microvm.ModuleOfPath(text); ok {
		return &modRefV{Which: which}
	}
	if !known || x.Kind != nixast.PathRelative {
		return &pathV{Text: text}
	}
	abs := path.Join(path.Dir(file), text)
	return &pathV{File: ev.resolveAbs(abs), Text: text, Abs: abs}
}

func (ev *evaluator) evalPathText(text, file string) Value {
	if which, ok := microvm.ModuleOfPath(text); ok {
		return &modRefV{Which: which}
	}
	if strings.Contains(text, "\x00") {
		return &pathV{Text: text}
	}
	if p := ev.sourcePath(text); p != nil {
		return p
	}
	abs := path.Join(path.Dir(file), text)
	return &pathV{File: ev.resolveAbs(abs), Text: text, Abs: abs}
}

// resolvePath resolves a relative path written in file to a workspace file
// key ("" when there is none).
func (ev *evaluator) resolvePath(file, rel string) string {
	return ev.resolveAbs(path.Join(path.Dir(file), rel))
}

// resolveAbs is resolvePath of the path joined to its file's directory.
func (ev *evaluator) resolveAbs(p string) string {
	if ev.ws.At(p) != nil {
		return p
	}
	if d := path.Join(p, "default.nix"); ev.ws.At(d) != nil {
		return d
	}
	return ev.sourceFile(p)
}
