package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/modsys"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// wrapCall writes a call of the module-system function f around inner,
// with as many arguments as it takes (or one less, partial), by its table
// entry: a condition, a priority, a list for mkMerge.
func wrapCall(f modsys.Func, inner string, partial bool) string {
	var args []string
	for i := 0; i < f.Arity; i++ {
		switch {
		case i == f.Value && f.Role == modsys.Merge:
			args = append(args, "[ "+inner+" ]")
		case i == f.Value:
			args = append(args, "("+inner+")")
		case f.Role == modsys.Condition:
			args = append(args, "true")
		default:
			args = append(args, "10")
		}
	}
	if partial {
		args = args[:len(args)-1]
	}
	return "(lib." + f.Name + " " + strings.Join(args, " ") + ")"
}

// The readers of definitions in package analysis, each asked whether it
// sees the value inside a call.

// viewSees: the option view reads microvm.probe through the call.
func viewSees(t *testing.T, call string) bool {
	src := "{ microvm = " + call + "; }"
	f := nixast.Parse("/ws/m.nix", []byte(src))
	if len(f.Errors) > 0 {
		t.Fatalf("%s: %v", src, f.Errors[0].Msg)
	}
	as := f.Root.(*nixast.AttrSet).Bindings[0].(*nixast.AttrAssign)
	v := &optView{}
	v.add([]string{"microvm"}, 0, as, as.Value, "/ws/m.nix", false, 100)
	return len(v.get("microvm", "probe")) > 0
}

// graphSees: the module graph finds the definition microvm.probe in a
// system's module through the call.
func graphSees(t *testing.T, call string) bool {
	flake := `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { nixpkgs, microvm, ... }: {
    nixosConfigurations.probe = nixpkgs.lib.nixosSystem { modules = [ microvm.nixosModules.microvm ./m.nix ]; };
  };
}`
	mod := "{ lib, ... }: { microvm = " + call + "; }"
	ws := &Workspace{Files: map[string]*nixast.File{
		"/ws/flake.nix": nixast.Parse("/ws/flake.nix", []byte(flake)),
		"/ws/m.nix":     nixast.Parse("/ws/m.nix", []byte(mod)),
	}}
	g := buildGraph(ws, nil)
	for _, s := range g.systems {
		for _, d := range s.Defs {
			if strings.Join(d.Path, ".") == "microvm.probe" {
				return true
			}
		}
	}
	return false
}

// evalSees: the abstract evaluator's value of the call is the wrapped value.
func evalSees(t *testing.T, call string) bool {
	f := nixast.Parse("/ws/e.nix", []byte("with {}; "+strings.Replace(call, "lib.", "", 1)))
	ws := &Workspace{Files: map[string]*nixast.File{"/ws/e.nix": f}}
	body := f.Root.(*nixast.With).Body
	s, ok := newEvaluator(ws).eval(body, nil, "/ws/e.nix").(*strV)
	return ok && s.S == "inner"
}

// TestModuleFunctionsAgree holds the readers of module-system functions to
// package modsys's table: each sees through exactly the table's wrappers,
// called with all of their arguments, and not through a partial call or a
// function the table does not hold. The evaluator follows the priority and
// order wrappers only: a condition or a merge is not one value.
func TestModuleFunctionsAgree(t *testing.T) {
	unknownFn := modsys.Func{Name: "mkSomethingElse", Role: modsys.Priority, Arity: 1, Value: 0}
	funcs := append(modsys.Funcs(), unknownFn)
	n := 0
	for _, f := range funcs {
		if !f.Wraps() {
			continue
		}
		_, inTable := modsys.Lookup(f.Name)
		n++
		for _, partial := range []bool{false, true} {
			want := inTable && !partial
			set := wrapCall(f, "{ probe = 64; }", partial)
			if got := viewSees(t, set); got != want {
				t.Errorf("option view on %s: sees the value %v, want %v", set, got, want)
			}
			if got := graphSees(t, set); got != want {
				t.Errorf("module graph on %s: sees the value %v, want %v", set, got, want)
			}
			str := wrapCall(f, `"inner"`, partial)
			wantEval := want && (f.Role == modsys.Priority || f.Role == modsys.Order)
			if got := evalSees(t, str); got != wantEval {
				t.Errorf("evaluator on %s: sees the value %v, want %v", str, got, wantEval)
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d wrappers: the table lost its entries", n)
	}
}

// TestOverridableFollowsTheTable: a definition is weaker than a plain one
// when the table's priority of its wrapper is above the default.
func TestOverridableFollowsTheTable(t *testing.T) {
	for _, f := range modsys.Funcs() {
		if f.Role != modsys.Priority {
			continue
		}
		for _, prio := range []int{10, 1000} {
			call := wrapCall(f, "false", false)
			if f.Priority == 0 {
				call = strings.Replace(call, " 10 ", fmt.Sprintf(" %d ", prio), 1)
			}
			src := "{ a = " + call + "; }"
			file := nixast.Parse("/ws/a.nix", []byte(src))
			as := file.Root.(*nixast.AttrSet).Bindings[0].(*nixast.AttrAssign)
			p, _ := f.PriorityOf([]nixast.Expr{&nixast.IntLit{Value: int64(prio)}})
			if got, want := overridable(&OptDef{Binding: as}), p > modsys.DefaultPriority; got != want {
				t.Errorf("%s: overridable %v, want %v", src, got, want)
			}
		}
	}
}
