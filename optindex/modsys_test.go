package optindex

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/modsys"
)

// TestModuleFunctionsFollowTheTable builds an index of one module per
// function of package modsys's table, written from the table entry alone:
// a wrapper around an options set must let its options through, a
// declaration must declare, a history module must record its kind. A
// function the table does not hold declares nothing.
func TestModuleFunctionsFollowTheTable(t *testing.T) {
	dir := t.TempDir()
	var imports []string
	type expect struct {
		f      modsys.Func
		option string // an option it must declare
		from   string // or an old path it must record
	}
	var want []expect
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name+".nix"), []byte("{ lib, pkgs, ... }: {\n"+body+"\n}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		imports = append(imports, "./"+name+".nix")
	}
	probe := func(name string) string {
		return "{ " + name + " = lib.mkOption { type = lib.types.int; }; }"
	}
	for _, f := range append(modsys.Funcs(), modsys.Func{Name: "mkNotInTheTable", Role: modsys.Priority, Arity: 1, Value: 0}) {
		name := "probe_" + f.Name
		switch {
		case f.Wraps():
			var args []string
			for i := 0; i < f.Arity; i++ {
				switch {
				case i == f.Value && f.Role == modsys.Merge:
					args = append(args, "[ "+probe(name)+" ]")
				case i == f.Value:
					args = append(args, "("+probe(name)+")")
				case f.Role == modsys.Condition:
					args = append(args, "true")
				default:
					args = append(args, "10")
				}
			}
			write(f.Name, "options = lib."+f.Name+" "+strings.Join(args, " ")+";")
			want = append(want, expect{f: f, option: name})
		case f.Role == modsys.Declaration:
			args := map[int]string{1: `{ type = lib.types.int; }`, 3: `pkgs "hello" { }`}[f.Arity]
			if f.Name == "mkEnableOption" {
				args = `"the probe"`
			}
			write(f.Name, "options."+name+" = lib."+f.Name+" "+args+";")
			want = append(want, expect{f: f, option: name})
		case f.Role == modsys.History:
			from := `[ "old_` + f.Name + `" ]`
			var call string
			switch {
			case f.With:
				call = fmt.Sprintf("lib.%s { from = %s; to = [ \"target\" ]; sinceRelease = 2405; }", f.Name, from)
			case f.History == modsys.Removed:
				call = fmt.Sprintf("lib.%s %s \"gone\"", f.Name, from)
			case f.History == modsys.Merged:
				call = fmt.Sprintf("lib.%s [ %s ] [ \"target\" ] (c: c)", f.Name, from)
			case f.Arity == 3:
				call = fmt.Sprintf("lib.%s %s [ \"target\" ] (c: c)", f.Name, from)
			default:
				call = fmt.Sprintf("lib.%s %s [ \"target\" ]", f.Name, from)
			}
			write(f.Name, "imports = [ ("+call+") ];")
			want = append(want, expect{f: f, from: "old_" + f.Name})
		}
	}
	write("target", "options.target = lib.mkOption { type = lib.types.int; };")
	root := "{ imports = [ " + strings.Join(imports, " ") + " ]; }\n"
	if err := os.WriteFile(filepath.Join(dir, "default.nix"), []byte(root), 0o644); err != nil {
		t.Fatal(err)
	}
	ix, err := Build(dir, []string{"default.nix"})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[modsys.HistoryKind]RenameKind{modsys.Renamed: Renamed, modsys.Aliased: Aliased,
		modsys.Removed: Removed, modsys.Changed: Changed, modsys.Merged: Merged}
	for _, w := range want {
		_, inTable := modsys.Lookup(w.f.Name)
		if w.option != "" {
			if got := ix.Lookup([]string{w.option}) != nil; got != inTable {
				t.Errorf("%s: option %s declared %v, want %v", w.f.Name, w.option, got, inTable)
			}
			continue
		}
		r := ix.Rename([]string{w.from})
		if r == nil || r.Kind != kinds[w.f.History] {
			t.Errorf("%s: rename of %s is %+v, want kind %v", w.f.Name, w.from, r, kinds[w.f.History])
		}
	}
}
