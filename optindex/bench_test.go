package optindex

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// generateTree writes a module tree declaring about n options: files of 25
// options each (plain options, an attrsOf submodule, an enum, a description)
// imported from default.nix.
func generateTree(tb testing.TB, dir string, n int) {
	tb.Helper()
	var imports strings.Builder
	files := (n + 24) / 25
	for i := 0; i < files; i++ {
		var b strings.Builder
		fmt.Fprintf(&b, "{ config, lib, pkgs, ... }:\nlet\n  inherit (lib) mkOption types;\n  cfg = config.gen.m%d;\nin\n{\n  options.gen.m%d = {\n", i, i)
		b.WriteString("    enable = lib.mkEnableOption \"module number " + fmt.Sprint(i) + "\";\n")
		for j := 0; j < 18; j++ {
			fmt.Fprintf(&b, "    opt%d = mkOption {\n      type = types.nullOr types.str;\n      default = null;\n      description = ''\n        Setting %d of module %d, described at the length a real description has,\n        two lines of text.\n      '';\n    };\n", j, j, i)
		}
		b.WriteString("    mode = mkOption { type = types.enum [ \"fast\" \"slow\" \"off\" ]; default = \"off\"; description = \"How.\"; };\n")
		b.WriteString("    items = mkOption {\n      default = { };\n      type = types.attrsOf (types.submodule ({ name, ... }: {\n        options = {\n")
		for j := 0; j < 4; j++ {
			fmt.Fprintf(&b, "          field%d = mkOption { type = types.int; default = %d; description = \"Field %d.\"; };\n", j, j, j)
		}
		b.WriteString("        };\n      }));\n    };\n  };\n  config = lib.mkIf cfg.enable { };\n}\n")
		name := fmt.Sprintf("m%03d.nix", i)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
		imports.WriteString("    ./" + name + "\n")
	}
	def := "{\n  imports = [\n" + imports.String() + "  ];\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "default.nix"), []byte(def), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkBuild indexes a generated tree of 10,000 options and reports the
// heap the index keeps per 10,000 options (retained-MB/10k-options).
func BenchmarkBuild(b *testing.B) {
	dir := b.TempDir()
	generateTree(b, dir, 10000)
	var before, after runtime.MemStats
	b.ReportAllocs()
	var ix *Index
	for i := 0; i < b.N; i++ {
		ix = nil
		runtime.GC()
		runtime.ReadMemStats(&before)
		var err error
		ix, err = Build(dir, []string{"default.nix"})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	n := len(ix.Options)
	if n < 10000 {
		b.Fatalf("the generated tree declares %d options", n)
	}
	b.ReportMetric(float64(n), "options")
	b.ReportMetric((float64(after.HeapAlloc)-float64(before.HeapAlloc))/1e6*10000/float64(n), "retained-MB/10k-options")
	runtime.KeepAlive(ix)
}

func TestGeneratedTree(t *testing.T) {
	dir := t.TempDir()
	generateTree(t, dir, 100)
	ix, err := Build(dir, []string{"default.nix"})
	if err != nil {
		t.Fatal(err)
	}
	// 4 files: enable, 18 options, mode, items, and items' 4 fields and
	// lib's 4 _module options.
	if want := 4 * (1 + 18 + 1 + 1 + 4 + 4); len(ix.Options) != want {
		t.Errorf("%d options, want %d", len(ix.Options), want)
	}
	if o := ix.Lookup([]string{"gen", "m3", "items", "x", "field2"}); o == nil || o.Default != "2" || o.Type != "signed integer" {
		t.Errorf("gen.m3.items.<name>.field2 = %+v", o)
	}
}
