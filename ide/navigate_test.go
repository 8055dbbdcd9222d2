package ide

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func TestDefinition(t *testing.T) {
	tests := []struct {
		name, src, want string // want: the text at the definition
	}{
		{"let", "let abc = 1; in a|bc", "abc"},
		{"formal", "{ pkgs, ... }: pk|gs.hello", "pkgs"},
		{"param", "x: y: x|", "x"},
		{"rec", "rec { a = 1; b = a|; }", "a"},
		{"shadowing", "let a = 1; in let a = 2; in a|", "a"},
		{"inherit in let", "let a = 1; in let inherit a; in a|", "a"},
		{"quoted key", `let "c" = 2; in c|`, `"c"`},
		{"rec set merged with a later path", "{ a = rec { b = 1; }; a.c = b|; }", "b"},
		{"with does not shadow a formal", "{ microvm, ... }: with mods; [ microvm| ]", "microvm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, off := parseCursor(t, tt.src)
			locs := Definition(nil, f, off)
			if len(locs) == 0 {
				t.Fatal("no definition")
			}
			got := string(f.Src[locs[0].Pos:locs[0].End])
			if got != tt.want || locs[0].Pos == off-len(tt.want) && tt.name != "param" && false {
				t.Errorf("got %q at %d", got, locs[0].Pos)
			}
		})
	}
	// the shadowing case resolves to the inner binding
	f, off := parseCursor(t, "let a = 1; in let a = 2; in a|")
	if locs := Definition(nil, f, off); locs[0].Pos != strings.Index(string(f.Src), "a = 2") {
		t.Errorf("shadowed: %v", locs)
	}
}

func TestDefinitionOfPath(t *testing.T) {
	ws := &Workspace{Files: map[string]*nixast.File{
		"/ws/hosts/a/default.nix": nixast.Parse("/ws/hosts/a/default.nix", []byte("{ }")),
		"/ws/b.nix":               nixast.Parse("/ws/b.nix", []byte("{ }")),
	}}
	for src, want := range map[string]string{
		"{ imports = [ ./hosts/|a ]; }": "/ws/hosts/a/default.nix",
		"{ imports = [ ./b.n|ix ]; }":   "/ws/b.nix",
		"let m = ./b.nix; in [ |m ]":    "/ws/b.nix",
	} {
		f, off := parseCursor(t, src)
		locs := Definition(ws, f, off)
		if len(locs) == 0 || locs[len(locs)-1].File != want {
			t.Errorf("%s: %v, want %s", src, locs, want)
		}
	}
	// references of a file: where it is imported
	f := nixast.Parse("/ws/flake.nix", []byte("{ a = import ./b.nix; c = ./hosts/a; }"))
	ws.Files["/ws/flake.nix"] = f
	refs, err := FileReferences(context.Background(), ws, "/ws/hosts/a/default.nix")
	if err != nil || len(refs) != 1 || refs[0].File != "/ws/flake.nix" || string(f.Src[refs[0].Pos:refs[0].End]) != "./hosts/a" {
		t.Errorf("file references: %v, %v", refs, err)
	}
	// Only literals that could name the file are looked for on disk.
	looked := 0
	ws.Exists = func(string) bool { looked++; return false }
	ws.Files["/ws/many.nix"] = nixast.Parse("/ws/many.nix", []byte("[ "+strings.Repeat("./c.nix ./hosts/b ", 50)+"./hosts/a ]"))
	if refs, err := FileReferences(context.Background(), ws, "/ws/hosts/a/default.nix"); err != nil || len(refs) != 2 {
		t.Errorf("file references: %v, %v", refs, err)
	}
	if looked > 2 {
		t.Errorf("%d lookups on disk for two literals that name the file", looked)
	}
	delete(ws.Files, "/ws/many.nix")
	ws.Exists = nil
	// A cancelled search stops and says so.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if refs, err := FileReferences(ctx, ws, "/ws/hosts/a/default.nix"); !errors.Is(err, context.Canceled) || refs != nil {
		t.Errorf("cancelled file references: %v, %v", refs, err)
	}
}

func TestReferencesAndHighlights(t *testing.T) {
	f, off := parseCursor(t, "let x = 1; y = x + x; in |x * y")
	refs, err := References(context.Background(), nil, f, off, true)
	if err != nil || len(refs) != 4 {
		t.Errorf("references: %v, %v", refs, err)
	}
	if hs := Highlights(nil, f, off); len(hs) != 4 || !hs[0].Write {
		t.Errorf("highlights: %v", hs)
	}
}

func applyEdits(src []byte, edits []Edit) string {
	out := string(src)
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		out = out[:e.Pos] + e.New + out[e.End:]
	}
	return out
}

func TestRename(t *testing.T) {
	tests := []struct {
		name, src, to, want, err string
	}{
		{"let", "let x = 1; in x + |x", "y", "let y = 1; in y + y", ""},
		{"formal", "{ pkgs, ... }: |pkgs.hello", "p", "{ p, ... }: p.hello", ""},
		{"from binding", "let |x = 1; in x", "z", "let z = 1; in z", ""},
		{"keyword", "let x = 1; in |x", "in", "", "keyword"},
		{"invalid", "let x = 1; in |x", "1x", "", "not a valid"},
		{"clash", "let x = 1; y = 2; in |x + y", "y", "", "already bound"},
		{"captured by inner", "let x = 1; in let y = 2; in |x + y", "y", "", "would refer"},
		{"captures outer", "let y = 1; in let x = 2; in |x + y", "y", "", "would then refer"},
		{"inherited", "let x = 1; in { inherit |x; }", "y", "let y = 1; in { x = y; }", ""},
		{"inherited from use", "let |x = 1; in { inherit x; z = x; }", "y", "let y = 1; in { x = y; z = y; }", ""},
		{"inherited with others", "let x = 1; a = 2; in { inherit a |x; }", "y", "let y = 1; a = 2; in { inherit a; x = y; }", ""},
		{"inherited first of two", "let x = 1; a = 2; in { inherit |x a; }", "y", "let y = 1; a = 2; in { inherit a; x = y; }", ""},
		{"inherited into let", "{ x }: let inherit x; in |x", "y", "", "bound by `inherit x;`"},
		{"inherited by let", "{ |x }: let inherit x; in x", "y", "{ y }: let x = y; in x", ""},
		{"inherit from in let", "{ pkgs }: let inherit (pkgs) lib; in |lib.x", "l", "", "bound by `inherit (pkgs) lib;`"},
		{"inherited into rec", "let |x = 1; in rec { inherit x; y = 2; }", "y", "", "would refer"},
		{"rec attribute", "rec { a = 1; b = |a; }", "c", "", "attribute name"},
		{"attribute", "{ a = 1; }.|a", "b", "", "no variable"},
		{"quoted key", `let "c" = 2; in |c`, "d", "let d = 2; in d", ""},
		{"global", "|map", "f", "", "not bound in this file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, off := parseCursor(t, tt.src)
			edits, err := Rename(nil, f, off, tt.to)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("want error %q, got %v", tt.err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := applyEdits(f.Src, edits); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestWorkspaceSymbolsStopWhenCancelled: the search reads every file, and
// stops with the context's error once the request is cancelled.
func TestWorkspaceSymbolsStopWhenCancelled(t *testing.T) {
	ws := &Workspace{Files: map[string]*nixast.File{
		"/ws/a.nix": nixast.Parse("/ws/a.nix", []byte("{ alpha = 1; }")),
		"/ws/b.nix": nixast.Parse("/ws/b.nix", []byte("{ alphabet = 2; }")),
	}}
	syms, err := WorkspaceSymbols(context.Background(), ws, "alpha")
	if err != nil || len(syms) != 2 {
		t.Fatalf("symbols: %v, %v", syms, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if syms, err := WorkspaceSymbols(ctx, ws, "alpha"); !errors.Is(err, context.Canceled) || syms != nil {
		t.Errorf("cancelled symbols: %v, %v", syms, err)
	}
}

// TestWorkspaceSymbolsBestFirst: a name equal to the query first, then
// names it starts (shorter first), then names that hold it, at most
// maxWorkspaceSymbols of them.
func TestWorkspaceSymbolsBestFirst(t *testing.T) {
	var b strings.Builder
	b.WriteString("{ xalpha = 0; alphabetically = 1; ")
	for i := range 2 * maxWorkspaceSymbols {
		fmt.Fprintf(&b, "alpha%d = %d; ", i, i)
	}
	b.WriteString("alpha = 2; beta = 3; }")
	ws := &Workspace{Files: map[string]*nixast.File{"/ws/a.nix": nixast.Parse("/ws/a.nix", []byte(b.String()))}}
	syms, err := WorkspaceSymbols(context.Background(), ws, "ALPHA")
	if err != nil || len(syms) != maxWorkspaceSymbols {
		t.Fatalf("%d symbols, %v", len(syms), err)
	}
	for i, want := range []string{"alpha", "alpha0", "alpha1"} {
		if syms[i].Name != want {
			t.Errorf("symbol %d: %s, want %s", i, syms[i].Name, want)
		}
	}
	for _, s := range syms {
		if s.Name == "xalpha" || s.Name == "alphabetically" {
			t.Errorf("%s is among the best %d", s.Name, maxWorkspaceSymbols)
		}
	}
	if syms, _ := WorkspaceSymbols(context.Background(), ws, "lpha"); len(syms) != maxWorkspaceSymbols || syms[0].Name != "alpha" {
		t.Errorf("names that hold the query: %d, the first %v", len(syms), syms[0])
	}
	// Equal matches keep the order of the files, also when better ones
	// come late, after the search has dropped worse ones several times.
	b.Reset()
	b.WriteString("{ ")
	for i := range 12 * maxWorkspaceSymbols {
		if i < 6*maxWorkspaceSymbols {
			fmt.Fprintf(&b, "betalonger%d = 1; ", i)
		} else {
			fmt.Fprintf(&b, "beta%d = 1; ", i)
		}
	}
	b.WriteString("}")
	ws.Files["/ws/a.nix"] = nixast.Parse("/ws/a.nix", []byte(b.String()))
	syms, _ = WorkspaceSymbols(context.Background(), ws, "beta")
	for i, s := range syms {
		if want := fmt.Sprintf("beta%d", 6*maxWorkspaceSymbols+i); s.Name != want {
			t.Fatalf("symbol %d of equal matches: %s, want %s", i, s.Name, want)
		}
	}
}

// TestEveryFileReadEachVersionOnce: with a FileCache, workspace symbols
// and the references of a file parse again only the files that neither
// has read in that version.
func TestEveryFileReadEachVersionOnce(t *testing.T) {
	files := map[string]*nixast.File{
		"/ws/a.nix": nixast.Parse("/ws/a.nix", []byte("{ alpha = 1; imports = [ ./b.nix ]; }")),
		"/ws/b.nix": nixast.Parse("/ws/b.nix", []byte("{ alphabet = 2; }")),
	}
	var parsed []string
	cache := &FileCache{}
	ws := func() *Workspace {
		return &Workspace{Files: files, FileCache: cache, Tree: func(p string) *nixast.File {
			parsed = append(parsed, p)
			return nixast.Parse(p, files[p].Src)
		}}
	}
	search := func() []WorkspaceSymbol {
		syms, err := WorkspaceSymbols(context.Background(), ws(), "alpha")
		if err != nil {
			t.Fatal(err)
		}
		return syms
	}
	if syms := search(); len(syms) != 2 || len(parsed) != 2 {
		t.Fatalf("first search: %v, parsed %v", syms, parsed)
	}
	parsed = nil
	refs, err := FileReferences(context.Background(), ws(), "/ws/b.nix")
	if err != nil || len(refs) != 1 || refs[0].File != "/ws/a.nix" || string(files["/ws/a.nix"].Src[refs[0].Pos:refs[0].End]) != "./b.nix" || len(parsed) != 0 {
		t.Errorf("references of b.nix: %v, %v; parsed %v", refs, err, parsed)
	}
	files["/ws/b.nix"] = nixast.Parse("/ws/b.nix", []byte("{ alpha2 = 2; }"))
	if syms := search(); len(syms) != 2 || syms[1].Name != "alpha2" || !slices.Equal(parsed, []string{"/ws/b.nix"}) {
		t.Errorf("after b.nix changed: %v, parsed %v", syms, parsed)
	}
}
