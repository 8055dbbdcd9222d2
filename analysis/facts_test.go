package analysis_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/microvm"
)

// optionMention is a microvm.* option path in prose.
var optionMention = regexp.MustCompile(`microvm(\.[A-Za-z0-9_'<>*-]+)+`)

// TestStatedFactsAreHeld fails when a check's doc, docs/diagnostics.md or a
// module's hover text names a microvm.* option that package microvm does
// not hold: an option of the embedded index, a prefix of some, or a
// removed option. (The capability matrix and the removed options appear in
// the docs as tables generated from the package: see TestDocsTables.)
func TestStatedFactsAreHeld(t *testing.T) {
	texts := map[string]string{}
	for _, a := range analysis.Analyzers {
		texts["the doc of "+a.Name] = a.Doc
		for _, c := range a.Codes {
			texts["the short description of "+c.Name] = c.Short
		}
	}
	docs, err := os.ReadFile("../docs/diagnostics.md")
	if err != nil {
		t.Fatal(err)
	}
	texts["docs/diagnostics.md"] = string(docs)
	for _, m := range microvm.ModuleNames {
		texts["the hover of module "+m] = microvm.ModuleDoc(m)
	}
	facts := microvm.Embedded()
	checked := 0
	for where, text := range texts {
		for _, loc := range optionMention.FindAllStringIndex(text, -1) {
			if strings.HasSuffix(text[:loc[0]], "options.") {
				continue // an example of a workspace's own declaration
			}
			m := strings.TrimRight(strings.TrimSuffix(text[loc[0]:loc[1]], "'s"), ".-'")
			path := strings.Split(m, ".")
			if path[1] == "nixosModules" || path[1] == "nix" || m == "microvm.*" {
				continue
			}
			if last := path[len(path)-1]; last == "*" {
				path = path[:len(path)-1] // "microvm.host.*": the options below
			}
			checked++
			if microvm.RemovalOf(path) != nil {
				continue
			}
			w := facts.Walk(path)
			if w.Unknown >= 0 {
				t.Errorf("%s names %s, which microvm.nix %s does not declare", where, m, facts.Rev)
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d option mentions found: the pattern no longer matches the texts", checked)
	}
}
