package analysis

import "strings"

// CodeUnknownIgnoreCode marks a suppression comment that names a code no
// check reports: it suppresses nothing, most often because of a typo.
const CodeUnknownIgnoreCode = "unknown-ignore-code"

// CodeDoc is a finding code and what it means.
type CodeDoc struct {
	Code string
	Doc  string // a paragraph; its first sentence is the short description
}

// Short returns the first sentence of the description.
func (c CodeDoc) Short() string {
	if i := strings.Index(c.Doc, ". "); i >= 0 {
		return c.Doc[:i+1]
	}
	return c.Doc
}

// parserCodes are the codes of findings that come from the parser and the
// suppression comments rather than from an Analyzer.
var parserCodes = []CodeDoc{
	{CodeSyntaxError, "The file is not valid Nix: Nix's own parser rejects it. The rest of the file is still parsed."},
	{CodeDuplicateAttribute, "An attribute is defined twice in one attribute set or let, also through nested " +
		"attribute paths, merged sets or inherit. Nix rejects the file while parsing."},
	{CodeUnknownIgnoreCode, "A `# microvm-lsp: ignore CODE` comment names a code that no check reports, so it " +
		"suppresses nothing (most often a typo)."},
}

// Codes lists every code a finding may carry, with its description: the
// parser's and the suppression comments' first, then each Analyzer's.
func Codes() []CodeDoc {
	out := append([]CodeDoc(nil), parserCodes...)
	for _, a := range Analyzers {
		out = append(out, CodeDoc{Code: a.Name, Doc: a.Doc})
	}
	return out
}

// KnownCode reports whether a finding may carry code.
func KnownCode(code string) bool {
	for _, c := range parserCodes {
		if c.Code == code {
			return true
		}
	}
	for _, a := range Analyzers {
		if a.Name == code {
			return true
		}
	}
	return false
}
