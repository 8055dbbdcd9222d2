package ide

import (
	"slices"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func TestSemanticTokens(t *testing.T) {
	src := "# c\n{ pkgs, ... }:\nlet x = builtins.map (y: y + 1) [ 2 ]; in { a.b = \"s\"; inherit x; c = pkgs.hello; d = true; e = import ./f.nix; }"
	f := nixast.Parse("/ws/t.nix", []byte(src))
	got := map[string]string{}
	for tk := range SemanticTokens(nil, f, 0, len(src)) {
		got[src[tk.Pos:tk.End]+"@"+itoa(tk.Pos)] = TokenTypes[tk.Type]
	}
	at := func(s string, nth int) string {
		i := -1
		for n := 0; n <= nth; n++ {
			i = strings.Index(src[i+1:], s) + i + 1
		}
		return s + "@" + itoa(i)
	}
	want := map[string]string{
		at("# c", 0):                             "comment",
		at("pkgs", 0):                            "parameter",
		at("let", 0):                             "keyword",
		at("x", 0):                               "variable",
		at("builtins", 0):                        "namespace",
		at("map", 0):                             "function",
		at("y", 0):                               "parameter",
		at("+", 0):                               "operator",
		at("1", 0):                               "number",
		"b@" + itoa(strings.Index(src, "a.b")+2): "property",
		at(`"`, 0):                               "string",
		at("inherit", 0):                         "keyword",
		at("pkgs", 1):                            "parameter",
		at("hello", 0):                           "property",
		at("true", 0):                            "keyword",
		at("import", 0):                          "function",
		at("./f.nix", 0):                         "string",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	// a range keeps only the tokens it overlaps
	if toks := slices.Collect(SemanticTokens(nil, f, 0, 3)); len(toks) != 1 || toks[0].Type != TokComment {
		t.Errorf("range: %v", toks)
	}
	// and classifies them as the whole file does, one that begins before it
	// too; a range that ends before it starts has none
	for _, w := range []string{at("pkgs", 1), at("map", 0), at("hello", 0)} {
		name, pos := w[:strings.Index(w, "@")], 0
		for tk := range SemanticTokens(nil, f, 0, len(src)) {
			if src[tk.Pos:tk.End]+"@"+itoa(tk.Pos) == w {
				pos = tk.Pos
			}
		}
		for cut := pos; cut < pos+len(name); cut++ {
			toks := slices.Collect(SemanticTokens(nil, f, cut, cut+len(name)+1))
			if len(toks) == 0 || toks[0].Pos != pos || TokenTypes[toks[0].Type] != want[w] {
				t.Errorf("range from %d, inside %s: %v", cut, w, toks)
			}
		}
	}
	if toks := slices.Collect(SemanticTokens(nil, f, 10, 5)); len(toks) != 0 {
		t.Errorf("reversed range: %v", toks)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}
