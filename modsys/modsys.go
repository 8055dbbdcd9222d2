// Package modsys is the one table of the functions of nixpkgs' lib that the
// NixOS module system gives meaning to: the definition wrappers (mkIf,
// mkMerge, mkDefault, mkForce, mkOverride, mkBefore, mkAfter, mkOrder...),
// the option declarations (mkOption, mkEnableOption, mkPackageOption) and
// the modules that record an option's history (mkRenamedOptionModule,
// mkRemovedOptionModule, mkAliasOptionModule, mkChangedOptionModule...).
// Every reader of Nix source that recognises them (the option views and the
// module graph of package analysis, its abstract evaluator, the option
// index's evaluator) asks this table, so that they agree on the names, the
// arities and which argument is the value.
//
// It imports only nixast and the standard library.
package modsys

import (
	"sort"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Role is what a function means to the module system.
type Role int

const (
	// Condition is mkIf cond value: the value, when cond holds.
	Condition Role = iota + 1
	// Merge is mkMerge [ values ]: every value of the list.
	Merge
	// Priority is mkDefault value, mkOverride prio value...: the value, at
	// another priority than a plain definition's (100).
	Priority
	// Order is mkBefore value, mkOrder prio value...: a list value, placed
	// earlier or later among the definitions merged with it.
	Order
	// Declaration is mkOption attrs, mkEnableOption name...: an option.
	Declaration
	// History is mkRenamedOptionModule from to...: a module that declares
	// what happened to an option.
	History
)

// HistoryKind is what a History module records.
type HistoryKind int

const (
	Renamed HistoryKind = iota + 1 // the option moved, with a warning
	Aliased                        // the option has a second name, without a warning
	Removed                        // the option is gone; setting it fails with a message
	Changed                        // the option moved and its value is converted
	Merged                         // several options became one
)

// Func is one function of the table.
type Func struct {
	Name  string
	Role  Role
	Arity int // the arguments it takes before it yields its result
	// Value is the index of the argument that is the wrapped value
	// (Condition, Merge, Priority, Order), -1 for the other roles.
	Value int
	// Priority is the priority a Priority or Order function gives, lower
	// winning; 0 when an argument gives it (mkOverride, mkOrder: the first).
	Priority int
	// History is what a History function records.
	History HistoryKind
	// With is set for a History function that takes its arguments as one
	// attribute set (mkRenamedOptionModuleWith { from; to; ... }).
	With bool
}

// DefaultPriority is the priority of a definition without a wrapper.
const DefaultPriority = 100

var table = []Func{
	{Name: "mkIf", Role: Condition, Arity: 2, Value: 1},
	{Name: "mkMerge", Role: Merge, Arity: 1, Value: 0},

	{Name: "mkOverride", Role: Priority, Arity: 2, Value: 1},
	{Name: "mkOptionDefault", Role: Priority, Arity: 1, Value: 0, Priority: 1500},
	{Name: "mkDefault", Role: Priority, Arity: 1, Value: 0, Priority: 1000},
	{Name: "mkImageMediaOverride", Role: Priority, Arity: 1, Value: 0, Priority: 60},
	{Name: "mkForce", Role: Priority, Arity: 1, Value: 0, Priority: 50},
	{Name: "mkVMOverride", Role: Priority, Arity: 1, Value: 0, Priority: 10},

	{Name: "mkOrder", Role: Order, Arity: 2, Value: 1},
	{Name: "mkBefore", Role: Order, Arity: 1, Value: 0, Priority: 500},
	{Name: "mkAfter", Role: Order, Arity: 1, Value: 0, Priority: 1500},

	{Name: "mkOption", Role: Declaration, Arity: 1, Value: -1},
	{Name: "mkEnableOption", Role: Declaration, Arity: 1, Value: -1},
	{Name: "mkPackageOption", Role: Declaration, Arity: 3, Value: -1},
	{Name: "mkPackageOptionMD", Role: Declaration, Arity: 3, Value: -1},

	{Name: "mkRenamedOptionModule", Role: History, Arity: 2, Value: -1, History: Renamed},
	{Name: "mkRenamedOptionModuleWith", Role: History, Arity: 1, Value: -1, History: Renamed, With: true},
	{Name: "mkAliasOptionModule", Role: History, Arity: 2, Value: -1, History: Aliased},
	{Name: "mkAliasOptionModuleMD", Role: History, Arity: 2, Value: -1, History: Aliased},
	{Name: "mkRemovedOptionModule", Role: History, Arity: 2, Value: -1, History: Removed},
	{Name: "mkChangedOptionModule", Role: History, Arity: 3, Value: -1, History: Changed},
	{Name: "mkMergedOptionModule", Role: History, Arity: 3, Value: -1, History: Merged},
}

var byName = func() map[string]Func {
	m := make(map[string]Func, len(table))
	for _, f := range table {
		m[f.Name] = f
	}
	return m
}()

// Lookup returns the function of the table named name (lib.name, or
// lib.modules.name, lib.options.name: the last name of a selection).
func Lookup(name string) (Func, bool) {
	f, ok := byName[name]
	return f, ok
}

// Funcs returns every function of the table, sorted by name.
func Funcs() []Func {
	out := append([]Func(nil), table...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Wraps reports whether the function passes one of its arguments on as a
// definition's value: a Condition, Merge, Priority or Order.
func (f Func) Wraps() bool { return f.Value >= 0 }

// PriorityOf returns the priority that a Priority or Order function called
// with args gives its value, when it is known (mkOverride's first argument
// an integer literal).
func (f Func) PriorityOf(args []nixast.Expr) (int, bool) {
	if f.Role != Priority && f.Role != Order {
		return 0, false
	}
	if f.Priority != 0 {
		return f.Priority, true
	}
	if len(args) == 0 {
		return 0, false
	}
	if n, ok := nixast.Unparen(args[0]).(*nixast.IntLit); ok {
		return int(n.Value), true
	}
	return 0, false
}

// Name returns the name of the function an application calls when it is a
// variable or the last name of a selection (mkIf, lib.mkIf,
// lib.modules.mkIf), with the arguments of the application in order.
func Name(x nixast.Expr) (string, []nixast.Expr) {
	app, ok := nixast.Unparen(x).(*nixast.Apply)
	if !ok {
		return "", nil
	}
	fn, args := nixast.SplitApply(app)
	switch fn := fn.(type) {
	case *nixast.Ident:
		return fn.Name, args
	case *nixast.Select:
		if fn.Default == nil && len(fn.Path.Names) > 0 {
			name, _ := fn.Path.Names[len(fn.Path.Names)-1].StaticName()
			return name, args
		}
	}
	return "", args
}

// Call returns the table function an application calls, by name (see
// Name), with its arguments; ok is false when it calls none, or passes
// other than as many arguments as the function takes.
func Call(x nixast.Expr) (f Func, args []nixast.Expr, ok bool) {
	name, args := Name(x)
	f, ok = Lookup(name)
	if !ok || len(args) != f.Arity {
		return Func{}, nil, false
	}
	return f, args, true
}
