package analysis

import (
	"fmt"
	"path"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// NotAModule reports module-list elements that cannot be modules.
var NotAModule = &Analyzer{
	Name: CodeNotAModule,
	Doc: "An element of a nixosSystem's modules or of a module's imports is a value that NixOS cannot load " +
		"as a module, so evaluation fails: a whole flake input (the input, not one of its nixosModules), " +
		"microvm.nix's nixosModules set itself, a string that is not an absolute path, a number, a list " +
		"(module lists do not nest), a bare `import` separated from its argument, or a relative path to a " +
		"file that does not exist. Only what is certain is reported. The modules of nix-darwin systems " +
		"(darwinSystem) and home-manager configurations (homeManagerConfiguration) are read alike.",
	Codes:    []Code{{Name: CodeNotAModule, Short: "A module-list element is a value that NixOS cannot load as a module."}},
	RunGraph: check(runNotAModule),
}

// badElem is what a module element is when it cannot be a module.
type badElem struct {
	kind string // "flake", "input", "modules", "string", "number", "list", "import", "path"
	text string // the input's name, the string's value, or the path as written
	file string // "path": the path it names, relative to the workspace's file system
}

// notModule classifies the value v of a module element written as node;
// nil when it may be a module.
func notModule(v Value, node nixast.Expr) *badElem {
	switch v := v.(type) {
	case *flakeV:
		return &badElem{kind: "flake"}
	case *foreignV:
		if v.Input != "" {
			return &badElem{kind: "input", text: v.Input}
		}
	case *modulesV:
		return &badElem{kind: "modules"}
	case *listV:
		return &badElem{kind: "list"}
	case *builtinV:
		if v.Name == "import" && len(v.Args) == 0 {
			return &badElem{kind: "import"}
		}
	case *strV:
		// Only a string written out: an interpolated path is copied to
		// the store and becomes an absolute path.
		if s, ok := nixast.Unparen(node).(*nixast.StringLit); ok {
			if val, ok := s.StaticValue(); ok && !strings.HasPrefix(val, "/") {
				return &badElem{kind: "string", text: val}
			}
		}
	case *intV:
		return &badElem{kind: "number"}
	case *unknownV:
		switch nixast.Unparen(node).(type) {
		case *nixast.IntLit, *nixast.FloatLit:
			return &badElem{kind: "number"}
		}
	}
	return nil
}

// missingPath records a relative path written in file that names no file
// of the workspace; whether it exists on disk is asked when reporting.
func missingPath(file string, v *pathV) *badElem {
	if strings.Contains(v.Text, "\x00") || !(strings.HasPrefix(v.Text, "./") || strings.HasPrefix(v.Text, "../")) {
		return nil
	}
	return &badElem{kind: "path", text: v.Text, file: path.Join(path.Dir(file), v.Text)}
}

func runNotAModule(p *GraphPass) {
	type group struct {
		e       *ModElem
		systems []*System
	}
	var order []placeKey
	groups := map[placeKey]*group{}
	for _, s := range p.allSystems() {
		for _, e := range s.Elems {
			if e.bad == nil || e.Node == nil {
				continue
			}
			k := elemKey(e)
			g := groups[k]
			if g == nil {
				g = &group{e: e}
				groups[k] = g
				order = append(order, k)
			}
			g.systems = appendInTurn(g.systems, s)
		}
	}
	for _, k := range order {
		g := groups[k]
		msg, ok := p.notModuleMessage(g.e, g.systems)
		if !ok {
			continue
		}
		p.Report(Finding{File: g.e.File, Pos: g.e.Pos, End: g.e.End, Severity: SeverityError, Code: CodeNotAModule,
			Message: msg, Systems: namesOf(g.systems)})
	}
}

// intendedModule guesses which of microvm.nix's modules the systems meant
// from the options they set: "" when it cannot tell.
func intendedModule(facts *microvm.Facts, systems []*System) string {
	guest, host := false, false
	for _, s := range systems {
		for _, d := range s.Defs {
			if hostOption(facts, d.Path[1]) {
				host = true
			} else if !isRemovedOption(d.Path) {
				guest = true
			}
		}
	}
	switch {
	case guest && !host:
		return ModMicrovm
	case host && !guest:
		return ModHost
	}
	return ""
}

func (p *GraphPass) notModuleMessage(e *ModElem, systems []*System) (string, bool) {
	b := e.bad
	text := strings.Join(strings.Fields(p.text(e.File, e.Pos, e.End)), " ")
	switch b.kind {
	case "flake", "modules":
		what, prefix := "the microvm.nix flake itself", text+".nixosModules."
		if b.kind == "modules" {
			what, prefix = "the set of microvm.nix's modules", text+"."
		}
		msg := fmt.Sprintf("`%s` is %s, not a NixOS module", text, what)
		switch intendedModule(p.Workspace.MicrovmFor(e.File).OrEmbedded(), systems) {
		case ModMicrovm:
			return msg + fmt.Sprintf(": did you mean %s%s? (the options set here are a guest's)", prefix, ModMicrovm), true
		case ModHost:
			return msg + fmt.Sprintf(": did you mean %s%s? (the options set here are a host's)", prefix, ModHost), true
		}
		return msg + fmt.Sprintf(": import %s%s on a host, %s%s in a MicroVM", prefix, ModHost, prefix, ModMicrovm), true
	case "input":
		return fmt.Sprintf("`%s` is the flake input `%s` itself, not a NixOS module: import one of its modules (%s.nixosModules.<name>)", text, b.text, text), true
	case "list":
		return fmt.Sprintf("`%s` is a list, not a module, and module lists do not nest: join it with ++, or write its elements here", shorten(text)), true
	case "number":
		return fmt.Sprintf("`%s` is a number, not a module", text), true
	case "import":
		return "`import` stands alone here, so the list holds the function and its argument as two elements: write (import <path>), or the path alone", true
	case "string":
		msg := fmt.Sprintf("the string %q is not a module: NixOS loads a string only as an absolute path", b.text)
		if strings.HasPrefix(b.text, "./") || strings.HasPrefix(b.text, "../") {
			msg += fmt.Sprintf("; did you mean the path %s (without quotes)?", b.text)
		}
		return msg, true
	case "path":
		if p.Workspace.Exists == nil || p.Workspace.Exists(b.file) {
			return "", false
		}
		msg := fmt.Sprintf("%s does not exist", b.text)
		if alt := p.similarFile(e.File, b.file); alt != "" {
			msg += fmt.Sprintf(": did you mean %s?", alt)
		}
		return msg, true
	}
	return "", false
}

// shorten cuts a long element text for a message.
func shorten(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// similarFile returns the one workspace file with the missing path's name
// (or a directory of that name with a default.nix), relative to the
// directory of from; "" when there is none or several.
func (p *GraphPass) similarFile(from, missing string) string {
	base := path.Base(missing)
	found := append([]string(nil), p.graph.idx.named(base)...)
	if base != "default.nix" {
		for _, f := range p.graph.idx.named("default.nix") {
			if path.Base(path.Dir(f)) == base {
				found = append(found, f)
			}
		}
	}
	if len(found) != 1 {
		return ""
	}
	target := found[0]
	if path.Base(target) == "default.nix" && path.Base(missing) != "default.nix" {
		target = path.Dir(target)
	}
	return relPath(path.Dir(from), target)
}

// relPath writes target relative to dir as a Nix path (./x, ../x).
func relPath(dir, target string) string {
	d := strings.Split(strings.Trim(dir, "/"), "/")
	t := strings.Split(strings.Trim(target, "/"), "/")
	i := 0
	for i < len(d) && i < len(t)-1 && d[i] == t[i] {
		i++
	}
	up := len(d) - i
	rest := strings.Join(t[i:], "/")
	if up == 0 {
		return "./" + rest
	}
	return strings.Repeat("../", up) + rest
}
