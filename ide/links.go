package ide

import (
	"regexp"
	"strings"
	"sync"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Link is a range of a file that leads to a file of the workspace (File)
// or a web page (URL).
type Link struct {
	Range
	File string
	URL  string
}

var (
	// Compiled on first use, not at the start of every command.
	urlRe      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`https?://[^\s"'<>{}$]+`) })
	flakeRefRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(github|gitlab|sourcehut):([~\w.-]+)/([\w.-]+)(?:/([\w./-]+))?(?:\?.*)?$`)
	})
	flakeHosts  = map[string]string{"github": "https://github.com/", "gitlab": "https://gitlab.com/", "sourcehut": "https://git.sr.ht/"}
	trailingURL = ".,;:)"
)

// Links returns the links of f: path literals naming existing files (a
// directory leads to its default.nix), URLs, and flake references such as
// github:owner/repo.
func Links(ws *Workspace, f *nixast.File) []Link {
	var out []Link
	// A path written again is not looked for on disk again.
	resolved := map[string]string{}
	for _, r := range roots(f) {
		nixast.Inspect(r, func(n nixast.Node) bool {
			switch n := n.(type) {
			case *nixast.PathLit:
				if text, ok := staticPath(n); ok {
					target, seen := resolved[text]
					if !seen {
						target = ResolvePath(ws, f.Name, text)
						resolved[text] = target
					}
					if target != "" {
						out = append(out, Link{Range: Range{n.Pos(), n.End()}, File: target})
					}
				}
				return false
			case *nixast.URILit:
				out = append(out, Link{Range: Range{n.Pos(), n.End()}, URL: n.Raw})
			case *nixast.TextPart:
				out = append(out, textLinks(n)...)
			}
			return true
		})
	}
	return out
}

// textLinks finds URLs and flake references in literal string text. Only
// text without escapes maps byte for byte onto the source.
func textLinks(t *nixast.TextPart) []Link {
	if t.Escaped {
		return nil
	}
	var out []Link
	if m := flakeRefRe().FindStringSubmatch(t.Value); m != nil {
		u := flakeHosts[m[1]] + m[2] + "/" + m[3]
		if m[4] != "" && m[1] != "sourcehut" {
			u += "/tree/" + m[4]
		}
		return []Link{{Range: Range{int(t.Start), int(t.Stop)}, URL: u}}
	}
	for _, loc := range urlRe().FindAllStringIndex(t.Value, -1) {
		s := strings.TrimRight(t.Value[loc[0]:loc[1]], trailingURL)
		out = append(out, Link{Range: Range{t.Pos() + loc[0], t.Pos() + loc[0] + len(s)}, URL: s})
	}
	return out
}
