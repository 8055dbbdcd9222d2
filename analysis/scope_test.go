package analysis

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// scopeCases are whole files with the scope findings they must get, written
// as "code:severity name" in source order.
var scopeCases = []struct {
	name string
	file string // file name, for the flake.nix and module rules
	src  string
	want []string
}{
	{"let used", "a.nix", `let x = 1; in x`, nil},
	{"let unused", "a.nix", `let x = 1; y = 2; in x`, []string{"unused-binding:warning y"}},
	{"underscore skipped", "a.nix", `let _x = 1; in 2`, nil},
	{"undefined", "a.nix", `let x = 1; in x + y`, []string{"undefined-variable:error y"}},
	{"globals", "a.nix", `[ builtins true false null import map toString throw abort baseNameOf dirOf derivation isNull removeAttrs fetchTarball fetchGit placeholder scopedImport __curPos __add __typeOf ]`, nil},
	{"fetchurl is not global", "a.nix", `let x = fetchurl "https://example.org/a"; in x`, []string{"undefined-variable:error fetchurl"}},
	{"__ names are not all global", "a.nix", `[ __add __nonsense ]`, []string{"undefined-variable:error __nonsense"}},
	{"quoted key in let", "a.nix", `let "c" = 2; in c`, nil},
	{"quoted key in rec", "a.nix", `rec { "c" = 2; d = c; }`, nil},
	{"interpolated plain string", "a.nix", `let ${"a"} = 1; in a`, nil},
	{"inherit interpolated plain string", "a.nix", `let a = 1; in { inherit ${"a"}; }`, nil},
	{"rec set first takes the later path", "a.nix", `{ a = rec { b = 1; }; a.c = b; }`, nil},
	{"rec set second loses its recursion", "a.nix", `{ a.c = 1; a = rec { b = 1; d = b; }; }`, []string{"undefined-variable:error b"}},
	{"second set's dynamic names are dropped", "a.nix", `{ a.b = 1; a = { ${x} = 2; }; }`, nil},
	{"inherit from without names is dropped", "a.nix", `{ inherit (x); }`, nil},
	{"with never shadows a formal", "flake.nix", `{ outputs = { nixpkgs, microvm, ... }: let mods = microvm.nixosModules; in with mods; [ host microvm ]; }`, nil},
	{"deadnix skip above", "a.nix", "let\n  # deadnix: skip\n  x = 1;\nin 2", nil},
	{"deadnix skip before", "a.nix", "f: f ({ a, /* deadnix: skip */ b }: a)", nil},
	{"deadnix skip too far", "a.nix", "let\n  # deadnix: skip\n\n  x = 1;\nin 2", []string{"unused-binding:warning x"}},
	{"with is dynamic", "a.nix", `{ pkgs }: with pkgs; [ hello (with lib; mkIf) ]`, nil},
	{"lexical beats with but with hides undefined", "a.nix", `let a = 1; in with {}; a + b`, nil},
	{"rec", "a.nix", `rec { a = b; b = 1; c = d; }`, []string{"undefined-variable:error d"}},
	{"rec unused is fine", "a.nix", `rec { a = 1; }`, nil},
	{"non-rec set does not bind", "a.nix", `{ a = 1; b = a; }`, []string{"undefined-variable:error a"}},
	{"inherit from outer", "a.nix", `let a = 1; in { inherit a; }`, nil},
	{"inherit undefined", "a.nix", `{ inherit a; }`, []string{"undefined-variable:error a"}},
	{"inherit from", "a.nix", `let s = { a = 1; }; in { inherit (s) a; }`, nil},
	{"let inherit", "a.nix", `x: let inherit (x) a b; in a`, []string{"unused-binding:warning b"}},
	{"let inherit outer", "a.nix", `let a = 1; in let inherit a; in a`, nil},
	{"lambda param", "a.nix", `x: y: x`, nil},
	{"formals", "a.nix", `{ a, b ? a }: b`, nil},
	{"formal unused", "a.nix", `f: f { a = 1; } ({ a, b }: a)`, []string{"unused-binding:warning b"}},
	{"formal unused with at", "a.nix", `f: f ({ a, b, ... }@args: a + args.c)`, []string{"unused-binding:hint b"}},
	{"at unused", "a.nix", `f: f (args@{ a }: a)`, []string{"unused-binding:warning args"}},
	{"module function", "mod.nix", `{ config, lib, pkgs, ... }: { }`, nil},
	{"module function at root", "mod.nix", `{ self, ... }: { }`, nil},
	{"flake outputs", "flake.nix", `{ outputs = { self, nixpkgs }: { }; }`, nil},
	{"flake outputs elsewhere still reported", "other.nix", `f: f { outputs = { self, nixpkgs }: self; }`, []string{"unused-binding:warning nixpkgs"}},
	{"let in module", "mod.nix", `{ lib, ... }: let unused = 1; in { }`, []string{"unused-binding:warning unused"}},
	{"dynamic attr name", "a.nix", `let n = "a"; in { ${n} = 1; "${m}" = 2; }`, []string{"undefined-variable:error m"}},
	{"select default", "a.nix", `let s = {}; in s.a or d`, []string{"undefined-variable:error d"}},
	{"string interpolation", "a.nix", `let v = "1"; in "x${v}${w}"`, []string{"undefined-variable:error w"}},
	{"legacy let", "a.nix", `let { a = 1; body = a; }`, nil},
	{"shadowing", "a.nix", `let a = 1; in let a = 2; in a`, []string{"unused-binding:warning a"}},
	{"assert", "a.nix", `x: assert x; y`, []string{"undefined-variable:error y"}},
}

func scopeFindings(t *testing.T, name, src string) (*Workspace, []Finding) {
	t.Helper()
	path := "/ws/" + name
	f := nixast.Parse(path, []byte(src))
	if len(f.Errors) > 0 {
		t.Fatalf("syntax error: %v", f.Errors[0].Msg)
	}
	ws := &Workspace{Files: map[string]*nixast.File{path: f}}
	var out []Finding
	for _, fd := range Analyze(ws, Config{}) {
		if fd.Code == CodeUndefinedVariable || fd.Code == CodeUnusedBinding {
			out = append(out, fd)
		}
	}
	return ws, out
}

func TestScopeFindings(t *testing.T) {
	for _, tc := range scopeCases {
		t.Run(tc.name, func(t *testing.T) {
			ws, fs := scopeFindings(t, tc.file, tc.src)
			var got []string
			for _, f := range fs {
				got = append(got, fmt.Sprintf("%s:%s %s", f.Code, f.Severity, ws.Files[f.File].Src[f.Pos:f.End]))
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("%s\ngot  %q\nwant %q", tc.src, got, tc.want)
			}
		})
	}
}

// A file that holds the deadnix pragma lists its tokens once, not once for
// each unused binding: with 20,000 of them, `check` took 31 s. What the
// analysis allocates grows with the file, not with its square.
func TestPragmaTokensListedOnce(t *testing.T) {
	alloc := func(n int) uint64 {
		var b strings.Builder
		b.WriteString("# deadnix: skip\nlet\n")
		for i := range n {
			fmt.Fprintf(&b, "  v%d = %d;\n", i, i)
		}
		b.WriteString("in 1\n")
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, fs := scopeFindings(t, "a.nix", b.String())
		runtime.ReadMemStats(&after)
		if len(fs) != n {
			t.Fatalf("%d bindings: %d findings", n, len(fs))
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := alloc(500), alloc(2000)
	if large > 8*small {
		t.Errorf("4 times the bindings, %.1f times the memory (%d -> %d bytes)", float64(large)/float64(small), small, large)
	}
}

func TestUnusedBindingFix(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"let\n  x = 1;\n  y = 2;\nin\nx\n", "let\n  x = 1;\nin\nx\n"},
		{"let x = 1; y = 2; in x", "let x = 1; in x"},
		{"s: let inherit (s) a b; in a", "s: let inherit (s) a; in a"},
		{"s: let inherit (s) a b c; in a + c", "s: let inherit (s) a c; in a + c"},
		{"s: let inherit (s) a b c; in b + c", "s: let inherit (s) b c; in b + c"},
		{"s: let inherit (s) a b c; in a + b", "s: let inherit (s) a b; in a + b"},
		{"let y = 2; in 1", "1"},
		{"let\n  # the answer\n  y = 2;\nin\n# the result\n{ }\n", "# the result\n{ }\n"},
		{"s: let inherit (s) b; in 1", "s: 1"},
		{"let\n  x = 1;\n\n  # why y\n  # is here\n  y = 2; # trailing\n  z = x;\nin\nz\n", "let\n  x = 1;\n\n  z = x;\nin\nz\n"},
	} {
		ws, fs := scopeFindings(t, "a.nix", tc.src)
		if len(fs) != 1 || len(fs[0].Fixes) != 1 {
			t.Errorf("%q: want one finding with one fix, got %v", tc.src, fs)
			continue
		}
		nws, _, err := applyEdits(ws, fs[0].Fixes[0].Edits)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(nws.Files["/ws/a.nix"].Src); got != tc.want {
			t.Errorf("%q: fixed to %q, want %q", tc.src, got, tc.want)
		}
	}
}

func TestCacheResolvesOnce(t *testing.T) {
	src := "let\n  foo = 1;\n  bar = { baz }: foo + baz;\nin\nbar { baz = foo; }\n"
	f := nixast.Parse("/ws/a.nix", []byte(src))
	ws := &Workspace{Files: map[string]*nixast.File{"/ws/a.nix": f}}
	c := NewCache()
	c.Analyze(ws, Config{})
	resolved := c.memo("/ws/a.nix", f).scopes
	first := c.Scopes("/ws/a.nix", f)
	if resolved == nil || first != resolved {
		t.Fatal("the editor features do not get the names the diagnostics resolved")
	}
	c.Analyze(ws, Config{})
	if again := c.Scopes("/ws/a.nix", f); again != first {
		t.Error("the names of an unchanged file were resolved again")
	}
	foo := first.ScopeAt(strings.LastIndex(src, "foo")).Lookup("foo")
	if foo == nil || foo.Uses != 2 {
		t.Fatalf("foo: %+v", foo)
	}
	g := nixast.Parse("/ws/a.nix", []byte(src+" "))
	if c.Scopes("/ws/a.nix", g) == first {
		t.Error("a new version shares the old one's names")
	}
}
