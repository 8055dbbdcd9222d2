package ide

import (
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/scope"
)

// Every builtin of Nix (scope's generated table) has our documentation, with
// as many arguments as it takes, and every documented name is a builtin.
func TestBuiltinDocs(t *testing.T) {
	for _, n := range scope.BuiltinNames() {
		b, _ := scope.LookupBuiltin(n)
		d, ok := builtinDocs()[n]
		if !ok || d.doc == "" {
			t.Errorf("builtins.%s has no documentation in builtinDocs", n)
			continue
		}
		if len(b.Args) > 0 && d.args != "" {
			t.Errorf("builtins.%s: Nix names its arguments (%v); drop ours (%q)", n, b.Args, d.args)
		}
		if got := len(strings.Fields(builtins()[n].Sig)) - 1; got != b.Arity {
			t.Errorf("builtins.%s takes %d arguments; its signature %q shows %d", n, b.Arity, builtins()[n].Sig, got)
		}
	}
	for n := range builtinDocs() {
		if _, ok := scope.LookupBuiltin(n); !ok {
			t.Errorf("builtinDocs documents %s, which is no builtin of Nix", n)
		}
	}
	if b := builtins()["fetchurl"]; b.Global {
		t.Error("fetchurl is builtins.fetchurl only, no global")
	}
}
