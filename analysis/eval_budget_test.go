package analysis

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// doublings returns the bindings v0 to v<n> of a let, in which each value
// grows the one before with step (a printf format of its name).
func doublings(n int, first, step string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "v0 = %s;\n", first)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "v%d = %s;\n", i, fmt.Sprintf(step, fmt.Sprintf("v%d", i-1)))
	}
	return b.String()
}

// TestEvaluationBudgetBoundsCopies: a module whose imports double a list or
// a string at each of 40 bindings is 40 expressions and 2^40 elements or
// bytes (a list of lists of itself squares it: 2^32 at the fifth); the step
// budget counted expressions only, and the analysis took all memory and
// never returned. Each copy into a new value spends what it copies: the
// system's imports come out unknown, at once. A long list made by a few
// concatenations stays whole.
func TestEvaluationBudgetBoundsCopies(t *testing.T) {
	flake := `{
  outputs = { nixpkgs, ... }: {
    nixosConfigurations.h = nixpkgs.lib.nixosSystem { modules = [ ./host.nix ]; };
  };
}`
	for _, tc := range []struct{ name, imports string }{
		{"concatenation", "let\n" + doublings(40, "[ ./x.nix ]", "%[1]s ++ %[1]s") + "in v40"},
		{"branches and optionals", "let\n" + doublings(40, "[ ./x.nix ]", "lib.optionals true (if %[1]s == [] then %[1]s else %[1]s ++ %[1]s)") + "in v40"},
		{"string addition", "let\n" + doublings(40, `"a"`, "%[1]s + %[1]s") + `in [ (./. + "/${v40}") ]`},
		{"interpolation", "let\n" + doublings(40, `"a"`, `"${%[1]s}${%[1]s}"`) + `in map (x: ./. + "/${x}") (lib.splitString "a" v40)`},
		{"concatenated maps", "let\n" + doublings(6, "[ ./x.nix ./x.nix ]", "builtins.concatLists (map (x: %[1]s) %[1]s)") + "in v6"},
		{"split of a long string", "let\n" + doublings(22, `"a"`, "%[1]s + %[1]s") + "in lib.splitString \"a\" v22"},
		{"concatenated strings", "let\n" + doublings(40, `[ "a" ]`, "[ (lib.concatStrings (%[1]s ++ %[1]s)) ]") + `in map (x: ./. + "/${x}") v40`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := &Workspace{Files: map[string]*nixast.File{
				"/ws/flake.nix": nixast.Parse("/ws/flake.nix", []byte(flake)),
				"/ws/host.nix":  nixast.Parse("/ws/host.nix", []byte("{ lib, ... }: {\n  imports = "+tc.imports+";\n}\n")),
				"/ws/x.nix":     nixast.Parse("/ws/x.nix", []byte("{ ... }: { }\n")),
			}}
			done := make(chan *graph, 1)
			go func() { done <- buildGraph(ws, nil) }()
			var g *graph
			select {
			case g = <-done:
			case <-time.After(time.Minute): // milliseconds within the budget
				t.Fatal("the module graph was not built")
			}
			if len(g.systems) != 1 {
				t.Fatalf("%d systems, want 1", len(g.systems))
			}
			if s := g.systems[0]; !s.Unknown || len(s.Elems) > maxSteps {
				t.Errorf("unknown %v with %d module elements: want the budget to leave the imports unknown", s.Unknown, len(s.Elems))
			}
		})
	}
	t.Run("a long list", func(t *testing.T) {
		files := map[string]*nixast.File{"/ws/flake.nix": nixast.Parse("/ws/flake.nix", []byte(flake))}
		var lists []string
		for i := 0; i < 20; i++ {
			var l []string
			for j := 0; j < 100; j++ {
				p := fmt.Sprintf("m%d-%d.nix", i, j)
				l = append(l, "./"+p)
				files["/ws/"+p] = nixast.Parse("/ws/"+p, []byte("{ ... }: { }\n"))
			}
			lists = append(lists, "[ "+strings.Join(l, " ")+" ]")
		}
		files["/ws/host.nix"] = nixast.Parse("/ws/host.nix", []byte("{ lib, ... }: {\n  imports = "+strings.Join(lists, " ++ ")+";\n}\n"))
		g := buildGraph(&Workspace{Files: files}, nil)
		if len(g.systems) != 1 {
			t.Fatalf("%d systems, want 1", len(g.systems))
		}
		if s := g.systems[0]; s.Unknown || len(s.Elems) != 2001 {
			t.Errorf("unknown %v with %d module elements, want the host and its 2,000 imports", s.Unknown, len(s.Elems))
		}
	})
}
