package ide

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/optindex"
)

// Option facts come from package microvm: the index of the microvm.nix the
// workspace pins, or the one built in. This file turns them into editor
// text.

// facts returns the microvm.nix option facts of the workspace.
func (ws *Workspace) facts() *microvm.Facts {
	if ws == nil {
		return microvm.Embedded()
	}
	return ws.Microvm.OrEmbedded()
}

// LookupOption returns the option at a full path ("microvm", "shares",
// "*", "proto"); list elements may be written "*" or left out, attribute
// names (a VM's name) as they are.
func LookupOption(ws *Workspace, path []string) (*optindex.Option, bool) {
	o := ws.facts().Lookup(path)
	return o, o != nil
}

// optionName is the last element of an option's path.
func optionName(o *optindex.Option) string { return o.Loc[len(o.Loc)-1] }

// optionDetail is the one-line summary of an option: its type and default.
func optionDetail(o *optindex.Option) string {
	d := o.Type
	if o.Default != "" && !strings.Contains(o.Default, "\n") && len(o.Default) <= 60 {
		d += " = " + o.Default
	}
	return d
}

// OptionMarkdown describes an option for a hover or a completion item: its
// path, description (when the source is present), type, default, where it
// is declared and which source the facts come from.
func OptionMarkdown(ws *Workspace, o *optindex.Option) string {
	f := ws.facts()
	var b strings.Builder
	writeOptionHead(&b, o)
	for _, d := range o.Declarations {
		b.WriteString(fmt.Sprintf("- declared in `%s:%d` (%s)\n", d.File, d.Line, "microvm.nixosModules."+microvm.ModuleOf(o)))
	}
	for _, s := range microvm.OptionSupport(o.Name, f.EnumValues(o.Name)) {
		what := "hypervisors"
		if s.Value != "" {
			what = "`\"" + s.Value + "\"`"
		}
		fmt.Fprintf(&b, "- %s: %s", what, strings.Join(s.Supported, ", "))
		if len(s.Rejected) > 0 {
			fmt.Fprintf(&b, " (the runners of %s throw)", strings.Join(s.Rejected, ", "))
		}
		b.WriteString("\n")
	}
	b.WriteString("- from " + f.Origin() + "\n")
	return b.String()
}

// OptionDeclaration returns the file (on disk) and 1-based line where an
// option is declared, when the pinned source is present.
func OptionDeclaration(ws *Workspace, o *optindex.Option) (string, int, bool) {
	facts := ws.facts()
	if facts.Embedded || facts.Index.Root == "" || len(o.Declarations) == 0 {
		return "", 0, false
	}
	d := o.Declarations[0]
	return filepath.Join(facts.Index.Root, filepath.FromSlash(d.File)), d.Line, true
}

// childItems are the completion items of the names that may follow a full
// option path.
func childItems(ws *Workspace, file string, prefix []string) []Item {
	var items []Item
	for _, c := range ws.facts().Children(prefix) {
		if c.Name == "<name>" || c.Name == "*" {
			continue
		}
		it := Item{Label: c.Name, Kind: KindProperty}
		if c.Option != nil {
			it.Detail = optionDetail(c.Option)
			if note := roleNote(ws, file, c.Option); note != "" {
				it.Detail += " — " + note
			}
			it.Doc = OptionMarkdown(ws, c.Option)
		} else {
			it.Detail = strings.Join(append(append([]string{}, prefix...), c.Name), ".") + ".*"
		}
		items = append(items, it)
	}
	return items
}

// writeOptionHead writes what every option's hover starts with: its path,
// description, type, default and whether it is read-only.
func writeOptionHead(b *strings.Builder, o *optindex.Option) {
	b.WriteString("```\n" + o.Name + "\n```\n")
	if o.Description != "" {
		b.WriteString(strings.TrimSpace(o.Description) + "\n\n")
	}
	b.WriteString("- type: `" + o.Type + "`\n")
	if o.Default != "" {
		if strings.Contains(o.Default, "\n") {
			b.WriteString("- default:\n```nix\n" + o.Default + "\n```\n")
		} else {
			b.WriteString("- default: `" + o.Default + "`\n")
		}
	}
	if o.ReadOnly {
		b.WriteString("- read-only\n")
	}
}
