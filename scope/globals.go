package scope

import (
	"sort"
	"sync"
)

//go:generate go run ./internal/genglobals builtins_gen.go

// Builtin is one of Nix's builtins, as the installed Nix reported it when
// the table was generated (builtins_gen.go).
type Builtin struct {
	Name string
	// Args are the argument names of Nix's documentation; nil where Nix
	// documents none.
	Args  []string
	Arity int // 0 for a constant (true, currentSystem…)
	// Global is set when the builtin is a global name as itself (map);
	// otherwise it is one as "__" + Name (__add).
	Global bool
	// Experimental is set for a builtin that exists only with an
	// experimental feature (flakes: getFlake).
	Experimental bool
}

var (
	builtinByName map[string]*Builtin
	globals       map[string]bool
	builtinNames  []string
	// tables builds the three above on first use: every command of the
	// binary would pay for them at its start, parse too.
	tables = sync.OnceFunc(buildTables)
)

func buildTables() {
	builtinByName = make(map[string]*Builtin, len(builtinTable))
	globals = make(map[string]bool, len(builtinTable))
	for i := range builtinTable {
		b := &builtinTable[i]
		builtinByName[b.Name] = b
		builtinNames = append(builtinNames, b.Name)
		if b.Global {
			globals[b.Name] = true
		} else {
			globals["__"+b.Name] = true
		}
	}
	sort.Strings(builtinNames)
}

// IsGlobal reports whether Nix binds name in every file (map, true,
// builtins, __add…). fetchurl is not one: it is builtins.fetchurl only.
func IsGlobal(name string) bool {
	tables()
	return globals[name]
}

// LookupBuiltin returns the builtin builtins.name.
func LookupBuiltin(name string) (Builtin, bool) {
	tables()
	b, ok := builtinByName[name]
	if !ok {
		return Builtin{}, false
	}
	return *b, true
}

// BuiltinNames returns the names of builtins' attributes, sorted.
func BuiltinNames() []string {
	tables()
	return builtinNames
}

// Globals returns the global names, sorted.
func Globals() []string {
	tables()
	out := make([]string, 0, len(globals))
	for n := range globals {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
