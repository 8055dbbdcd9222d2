package ide

import (
	"strings"
	"testing"
)

func TestRefactors(t *testing.T) {
	tests := []struct {
		name, src, title, want string
	}{
		{"inherit", "x: { |x = x; }", "Convert to `inherit x;`", "x: { inherit x; }"},
		{"inherit from", "{ lib }: { mk|If = lib.mkIf; }", "Convert to `inherit (lib) mkIf;`", "{ lib }: { inherit (lib) mkIf; }"},
		{"remove unused", "let\n  a = 1;\n  |b = 2;\nin a\n", "Remove unused binding `b`", "let\n  a = 1;\nin a\n"},
		{"remove unused inline", "let a = 1; |b = 2; in a", "Remove unused binding `b`", "let a = 1; in a"},
		{"remove formal", "{ a, |b, ... }: a", "Remove unused formal `b`", "{ a, ... }: a"},
		{"remove first formal", "{ |b, a }: a", "Remove unused formal `b`", "{ a }: a"},
		{"remove last formal", "{ a, |b }: a", "Remove unused formal `b`", "{ a }: a"},
		{"remove only formal", "{ |b }: 1", "Remove unused formal `b`", "{ }: 1"},
		{"remove formal with default", "{ a, |b ? 1, ... }: a", "Remove unused formal `b`", "{ a, ... }: a"},
		{"remove formal multiline", "{\n  a,\n  |b,\n  ...\n}:\na\n", "Remove unused formal `b`", "{\n  a,\n  ...\n}:\na\n"},
		{"remove formal leading commas", "{ a\n, |b\n, c\n}:\na + c\n", "Remove unused formal `b`", "{ a\n, c\n}:\na + c\n"},
		{"remove last formal multiline", "{\n  a,\n  |b\n}:\na\n", "Remove unused formal `b`", "{\n  a\n}:\na\n"},
		{"add formal", "{ pkgs, ... }: pkgs.hello // |lib", "Add `lib` to the function's formals", "{ pkgs, lib, ... }: pkgs.hello // lib"},
		{"add formal to empty", "{ ... }: |lib", "Add `lib` to the function's formals", "{ lib, ... }: lib"},
		{"quote", "{ f|oo = 1; }", "Quote attribute name", `{ "foo" = 1; }`},
		{"unquote", `{ "f|oo" = 1; }`, "Unquote attribute name", `{ foo = 1; }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, off := parseCursor(t, tt.src)
			var found *Refactor
			var titles []string
			for _, r := range Refactors(nil, f, off, off) {
				titles = append(titles, r.Title)
				if r.Title == tt.title {
					r := r
					found = &r
				}
			}
			if found == nil {
				t.Fatalf("no %q among %v", tt.title, titles)
			}
			if got := applyEdits(f.Src, found.Edits); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	// unused formals of module functions and flake outputs stay
	for _, src := range []string{
		"{ config, |foo, ... }: { }",
		"{ lib, |foo, ... }: { }",
		"{ outputs = { self, |nixpkgs }: { }; }",
		"{ a, |b, ... }: b",
		"{ a, |_b, ... }: a",
	} {
		f, off := parseCursor(t, src)
		for _, r := range Refactors(nil, f, off, off) {
			if strings.HasPrefix(r.Title, "Remove unused") {
				t.Errorf("%s: offered %q", src, r.Title)
			}
		}
	}
	// no inherit rewrite in a rec set or a let (it would recurse)
	f, off := parseCursor(t, "rec { |x = x; }")
	for _, r := range Refactors(nil, f, off, off) {
		if r.Title == "Convert to `inherit x;`" {
			t.Error("offered in a rec set")
		}
	}
}
