package optindex

import (
	"strings"
	"sync"
)

// Option is one declared option.
type Option struct {
	// Name is the option's path as lib.showOption prints it:
	// "microvm.vms.<name>.config", with "<name>" for an element of an
	// attrsOf and "*" for an element of a listOf.
	Name string `json:"name"`
	// Loc is the path's elements, unquoted ("<name>" and "*" as above).
	Loc []string `json:"loc"`
	// Type is the type's description as lib's types describe it
	// ("boolean", "null or string", "attribute set of (submodule)"), or
	// "unspecified".
	Type string `json:"type"`
	// Default is the default's source text (the text of defaultText when
	// given, a literalExpression's string unquoted); "" without one.
	Default string `json:"default,omitempty"`
	// Description is the description's text, read from the source.
	Description  string        `json:"description,omitempty"`
	Declarations []Declaration `json:"declarations"`
	Internal     bool          `json:"internal"`
	// Visible is false for visible = false; Shallow is set for
	// visible = "shallow" (the option is shown, its sub-options are not).
	Visible  bool `json:"visible"`
	Shallow  bool `json:"-"`
	ReadOnly bool `json:"readOnly"`
	// Hidden is set for an option below an option whose sub-options are
	// not shown (visible = false or "shallow"): documentation leaves it
	// out, but it is a valid option.
	Hidden bool `json:"-"`
	// Enum lists the values of an enum type (strings as Nix writes them,
	// quoted), for checks of literal values.
	Enum []string `json:"enum,omitempty"`
}

// Declaration is where an option is declared.
type Declaration struct {
	File   string `json:"file"`   // relative to the source's root, slash-separated
	Line   int    `json:"line"`   // 1-based
	Column int    `json:"column"` // 1-based, in bytes
}

// RenameKind tells what a module-system rename entry does with an option.
type RenameKind string

// The rename entries lib provides.
const (
	Renamed RenameKind = "renamed" // mkRenamedOptionModule: a warning, then the new option
	Aliased RenameKind = "alias"   // mkAliasOptionModule: the new option, silently
	Removed RenameKind = "removed" // mkRemovedOptionModule: an error with a message
	Changed RenameKind = "changed" // mkChangedOptionModule: the new option, value transformed
	Merged  RenameKind = "merged"  // mkMergedOptionModule: several old options into one
)

// Rename is an option that a module declares as renamed, aliased, changed or
// removed.
type Rename struct {
	Kind    RenameKind  `json:"kind"`
	From    []string    `json:"from"`
	To      []string    `json:"to,omitempty"`      // empty for Removed
	Message string      `json:"message,omitempty"` // Removed's literal message
	Decl    Declaration `json:"declaration"`
}

// FromName is the old path as lib.showOption prints it.
func (r *Rename) FromName() string { return ShowOption(r.From) }

// ToName is the new path as lib.showOption prints it ("" for Removed).
func (r *Rename) ToName() string {
	if len(r.To) == 0 {
		return ""
	}
	return ShowOption(r.To)
}

// Index is the options that a source's modules declare.
type Index struct {
	// Root is the directory Declarations are relative to.
	Root string `json:"root"`
	// Entries are the module files and directories the index was built
	// from, relative to Root.
	Entries []string `json:"entries"`
	// Options is sorted by Name.
	Options []Option `json:"options"`
	// Freeform lists the option paths (Loc form) below which any name is
	// accepted: a freeformType, or an attrsOf anything/attrs/json-like
	// value whose content is not options.
	Freeform [][]string `json:"freeform,omitempty"`
	// Renames lists renamed, aliased, changed and removed options.
	Renames []Rename `json:"renames,omitempty"`
	// Partial lists what could not be followed (a module list computed in a
	// way the extractor does not know, a file that does not parse): the
	// index may lack options there.
	Partial []string `json:"partial,omitempty"`

	treeOnce sync.Once
	tree     *node
}

// ShowOption prints an option path as lib.showOption does: elements that are
// not plain identifiers are quoted, "<name>", "*" and "<function body>" are
// kept as they are.
func ShowOption(loc []string) string {
	parts := make([]string, len(loc))
	for i, s := range loc {
		switch {
		case s == "<name>" || s == "*" || s == "<function body>" || (strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">")):
			parts[i] = s
		case isIdent(s):
			parts[i] = s
		default:
			parts[i] = quoteNix(s)
		}
	}
	return strings.Join(parts, ".")
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '\'' || c == '-'):
		default:
			return false
		}
	}
	switch s {
	case "if", "then", "else", "assert", "with", "let", "in", "rec", "inherit":
		return false
	}
	return true
}

func quoteNix(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '$':
			if i+1 < len(s) && s[i+1] == '{' {
				b.WriteString(`\$`)
			} else {
				b.WriteByte(c)
			}
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// isPlaceholder reports whether a Loc element stands for any name.
func isPlaceholder(s string) bool { return s == "<name>" || s == "*" }

// matches reports whether an option's Loc matches a path a user wrote:
// placeholders match any element.
func matches(pattern, loc []string) bool {
	if len(pattern) != len(loc) {
		return false
	}
	for i := range pattern {
		if pattern[i] != loc[i] && !isPlaceholder(pattern[i]) {
			return false
		}
	}
	return true
}

// Lookup returns the option a path names, or nil. Path elements are the
// names as written ("microvm", "vms", "my-vm", "config"); an option
// declared with "<name>" or "*" there matches any name, a literal
// declaration winning over a placeholder.
func (ix *Index) Lookup(loc []string) *Option {
	return ix.lookupTree(loc)
}

// Child is a name that may follow a prefix: either an option or a prefix of
// deeper options.
type Child struct {
	Name   string  // the next path element ("<name>" for any name)
	Option *Option // the option it completes, or nil when it is a prefix
}

// Children returns the names that may follow prefix, sorted, for completion.
func (ix *Index) Children(prefix []string) []Child {
	return ix.childrenTree(prefix)
}

// HasPrefix reports whether some option lies at or below prefix.
func (ix *Index) HasPrefix(prefix []string) bool {
	return ix.hasPrefixTree(prefix)
}

// IsFreeform reports whether loc lies below a freeform prefix (any name is
// accepted there) or below an option (its value is not made of options: the
// option's type decides, not the index).
func (ix *Index) IsFreeform(loc []string) bool {
	for _, f := range ix.Freeform {
		if len(loc) > len(f) && matches(f, loc[:len(f)]) {
			return true
		}
	}
	return false
}

// Rename returns the rename entry for loc or for a prefix of it, or nil.
func (ix *Index) Rename(loc []string) *Rename {
	for i := range ix.Renames {
		r := &ix.Renames[i]
		if len(loc) >= len(r.From) && matches(r.From, loc[:len(r.From)]) {
			return r
		}
	}
	return nil
}
