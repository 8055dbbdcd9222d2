package modsys

import (
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func TestTableIsConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Funcs() {
		if seen[f.Name] {
			t.Errorf("%s twice", f.Name)
		}
		seen[f.Name] = true
		if f.Arity < 1 || f.Value >= f.Arity {
			t.Errorf("%s: value argument %d of %d", f.Name, f.Value, f.Arity)
		}
		switch f.Role {
		case Condition, Merge:
			if f.Value != f.Arity-1 {
				t.Errorf("%s: the value is the last argument", f.Name)
			}
		case Priority, Order:
			// a fixed priority, or one given by the first of two arguments
			if (f.Priority == 0) != (f.Arity == 2) || f.Value != f.Arity-1 {
				t.Errorf("%s: priority %d with %d arguments", f.Name, f.Priority, f.Arity)
			}
		case Declaration:
			if f.Wraps() {
				t.Errorf("%s declares, it wraps nothing", f.Name)
			}
		case History:
			if f.History == 0 || f.Wraps() {
				t.Errorf("%s: history kind %d", f.Name, f.History)
			}
		default:
			t.Errorf("%s: no role", f.Name)
		}
	}
	for _, name := range []string{"mkIf", "mkMerge", "mkDefault", "mkForce", "mkOverride", "mkBefore", "mkAfter",
		"mkOrder", "mkOption", "mkEnableOption", "mkPackageOption", "mkRenamedOptionModule", "mkRemovedOptionModule",
		"mkAliasOptionModule", "mkChangedOptionModule"} {
		if !seen[name] {
			t.Errorf("%s is missing", name)
		}
	}
}

func TestCall(t *testing.T) {
	for _, tc := range []struct {
		src, name string
		args      int
		prio      int // -1: unknown
	}{
		{"lib.mkIf c x", "mkIf", 2, -1},
		{"mkIf c x", "mkIf", 2, -1},
		{"lib.modules.mkForce x", "mkForce", 1, 50},
		{"(lib.mkOverride 900) x", "mkOverride", 2, 900},
		{"lib.mkOverride p x", "mkOverride", 2, -1},
		{"lib.mkBefore [ 1 ]", "mkBefore", 1, 500},
		{"lib.mkIf c", "", 0, -1},         // partial: a function, not a definition
		{"lib.mkDefault x y", "", 0, -1},  // applied further
		{"lib.optional c x", "", 0, -1},   // not the module system's
		{"lib.${n} x", "", 0, -1},         // a dynamic name
		{"lib.mkForce or f x", "", 0, -1}, // a default: not known to be lib's
	} {
		f := nixast.Parse("t.nix", []byte(tc.src))
		fn, args, ok := Call(f.Root)
		if tc.name == "" {
			if ok {
				t.Errorf("%s: recognised as %s", tc.src, fn.Name)
			}
			continue
		}
		if !ok || fn.Name != tc.name || len(args) != tc.args {
			t.Errorf("%s: %v %s %d args, want %s with %d", tc.src, ok, fn.Name, len(args), tc.name, tc.args)
			continue
		}
		p, known := fn.PriorityOf(args)
		if tc.prio >= 0 && (!known || p != tc.prio) || tc.prio < 0 && known {
			t.Errorf("%s: priority %d (%v), want %d", tc.src, p, known, tc.prio)
		}
	}
}
