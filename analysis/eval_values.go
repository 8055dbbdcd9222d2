// Values of the abstract evaluator (eval.go): what an expression evaluates to, thunks and environments.

package analysis

import (
	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Value is the result of abstract evaluation: one of the *xxxV types below.
type Value interface{}

type unknownV struct{}

var unknown Value = &unknownV{}

// Module names of microvm.nix (package microvm owns them).
const (
	ModHost    = microvm.ModHost
	ModMicrovm = microvm.ModMicrovm
	ModOptions = microvm.ModOptions
)

// modRefV is a reference to one of microvm.nix's NixOS modules.
type modRefV struct {
	Which string
	Fork  bool // from a fork of microvm.nix: its options may differ
}

// flakeV is the microvm.nix flake (an input, or its source path).
type flakeV struct{ Fork bool }

// foreignV is a flake input other than microvm.nix, or something taken
// from one (home-manager.nixosModules.default): known not to be microvm's.
// Input names the input when the value is the whole input; Dir is then
// its source directory when the graph may read it, Absent set when that
// source is known to be missing (inputs.go).
type foreignV struct {
	Input, Dir string
	Absent     bool
}

// modulesV is microvm.nix's nixosModules attribute set.
type modulesV struct{ Fork bool }

// pathV is a path (or path-like string). File is the workspace key of the
// file it names, "" when it is not a workspace file.
type pathV struct {
	File string
	Text string
	Abs  string // the absolute path when known (a directory too)
}

// strV is a string; unknown parts are written as "\x00".
type strV struct{ S string }

// intV is an integer (string functions such as substring take them).
type intV struct{ N int64 }

type elem struct {
	File string
	Node nixast.Expr // where the element is written
	Cond string      // condition source text, "" when unconditional
	th   *thunk
}

type listV struct {
	Elems   []elem
	fromDir string // the names of a directory listing: how it was read (wiring_lib.go)
}

type attrsV struct {
	Attrs    map[string]*thunk
	Complete bool   // false: a missing attribute is unknown, not absent
	shared   bool   // one set for every evaluator and goroutine (noModuleArgs): never written
	fromDir  string // a directory listing (readDir, haumea), or made from one (wiring_lib.go)
	Node     *nixast.AttrSet
	Env      *env
	File     string
}

type lambdaV struct {
	L    *nixast.Lambda
	Env  *env
	File string
}

// builtinV is a known function, possibly partially applied.
type builtinV struct {
	Name string
	Args []*thunk
	Arg0 []nixast.Expr // the argument expressions, when known
	File string
}

// systemV is the result of a nixosSystem call (or darwinSystem,
// homeManagerConfiguration: wiring_classes.go).
type systemV struct {
	Call   *nixast.Apply
	File   string
	Arg    *thunk
	mapped string // made for each entry of a directory listing: how it was read
	kind   string // the System kind; "" for nixos
}

type thunk struct {
	expr  nixast.Expr
	env   *env
	file  string
	val   Value
	state int // 0 new, 1 evaluating, 2 done
	fn    func() Value
}

func valThunk(v Value) *thunk { return &thunk{val: v, state: 2} }

// unknownThunk holds the unknown value. A forced thunk is never written
// again, so one serves every evaluator and goroutine: a system's module
// arguments that its modules ask for and nobody passes (config, pkgs...)
// were one thunk each per module read, most of the thunks an edit made.
var unknownThunk = valThunk(unknown)

type env struct {
	parent *env
	vars   map[string]*thunk
	with   *thunk // a with scope, when vars is nil
}

func (e *env) extend(vars map[string]*thunk) *env { return &env{parent: e, vars: vars} }
