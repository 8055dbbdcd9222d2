package e2e

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// analysisCodes are the values of the Code* constants in analysis/, read
// from the source: every code a finding can carry.
func analysisCodes(t *testing.T) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, filepath.Join(repoRoot, "analysis"), func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				vs, ok := n.(*ast.ValueSpec)
				if !ok {
					return true
				}
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Code") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						codes[v] = true
					}
				}
				return false
			})
		}
	}
	if len(codes) == 0 {
		t.Fatal("analysis/: no Code* string constants found")
	}
	return codes
}

// TestEveryCodeIsDocumented: the server links each diagnostic to
// docsUrl#code (with the docsUrl setting), so every code needs its "## code"
// heading in docs/diagnostics.md, whose anchor is the code itself.
func TestEveryCodeIsDocumented(t *testing.T) {
	documented := documentedCodes(t)
	for code := range analysisCodes(t) {
		if !documented[code] {
			t.Errorf("code %q has no \"## %s\" section in docs/diagnostics.md", code, code)
		}
	}
}

var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestDocsLinksResolve: the links of docs/diagnostics.md, README.md and
// editors/README.md are relative and lead to files of the repository and,
// with a fragment, to a heading there; none points at a repository URL.
func TestDocsLinksResolve(t *testing.T) {
	for _, doc := range []string{"docs/diagnostics.md", "README.md", "editors/README.md"} {
		b, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(doc)))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mdLink.FindAllStringSubmatch(string(b), -1) {
			link := m[1]
			if strings.HasPrefix(link, "https://github.com/microvm-lsp/") {
				t.Errorf("%s: %s points at the repository's address; use a relative link", doc, link)
				continue
			}
			if strings.Contains(link, "://") {
				continue // another project's page
			}
			target, frag, _ := strings.Cut(link, "#")
			path := filepath.Join(repoRoot, filepath.FromSlash(doc))
			if target != "" {
				path = filepath.Join(filepath.Dir(path), filepath.FromSlash(target))
			}
			content, err := os.ReadFile(path)
			if err != nil {
				if fi, serr := os.Stat(path); serr == nil && fi.IsDir() && frag == "" {
					continue
				}
				t.Errorf("%s: link %s: %v", doc, link, err)
				continue
			}
			if frag != "" && !hasAnchor(string(content), frag) {
				t.Errorf("%s: link %s: no heading with anchor #%s in %s", doc, link, frag, target)
			}
		}
	}
}

// hasAnchor reports whether a Markdown heading in md gets the anchor frag
// (GitHub's rule: lower case, spaces to hyphens, punctuation dropped).
func hasAnchor(md, frag string) bool {
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
		var b strings.Builder
		for _, r := range title {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				b.WriteRune(r)
			}
		}
		if b.String() == frag {
			return true
		}
	}
	return false
}
