package analysis

import "github.com/microvm-lsp/microvm-lsp/nixast"

// SyntaxError reports what Nix's parser rejects in a file.
var SyntaxError = &Analyzer{
	Name:    CodeSyntaxError,
	Doc:     "The file is not valid Nix: Nix's own parser rejects it. The rest of the file is still parsed.",
	Codes:   []Code{{Name: CodeSyntaxError, Short: "The file is not valid Nix: Nix's parser rejects it."}},
	RunFile: check(func(p *FilePass) { reportParseErrors(p, false) }),
}

// DuplicateAttribute reports attributes defined twice.
var DuplicateAttribute = &Analyzer{
	Name: CodeDuplicateAttribute,
	Doc: "An attribute is defined twice in one attribute set or let, also through nested attribute paths, " +
		"merged sets or inherit. Nix rejects the file while parsing.",
	Codes:   []Code{{Name: CodeDuplicateAttribute, Short: "An attribute is defined twice in one attribute set or let."}},
	RunFile: check(func(p *FilePass) { reportParseErrors(p, true) }),
}

// reportParseErrors reports the parser's errors in the file: the
// duplicate attributes, or every other error.
func reportParseErrors(p *FilePass, duplicates bool) {
	for _, e := range p.File.Errors {
		if (e.Kind == nixast.ErrDuplicateAttr) != duplicates {
			continue
		}
		fd := Finding{File: p.Path, Pos: e.Pos, End: e.End, Severity: SeverityError, Code: CodeSyntaxError, Message: e.Msg}
		if duplicates {
			fd.Code = CodeDuplicateAttribute
			if e.Related >= 0 {
				fd.Related = []Related{{File: p.Path, Pos: e.Related, End: e.Related, Message: "first defined here"}}
			}
		}
		// every error the parser reports, even two at one place
		p.findings = append(p.findings, fd)
	}
}

// IgnoreComments reports suppression comments that name unknown codes.
var IgnoreComments = &Analyzer{
	Name: "ignore-comments",
	Doc: "A `# microvm-lsp: ignore CODE` comment names a code that no check reports, so it suppresses " +
		"nothing (most often a typo).",
	Codes:   []Code{{Name: CodeUnknownIgnoreCode, Short: "A suppression comment names a code that no check reports."}},
	RunFile: check(runIgnoreComments),
}

// runIgnoreComments reports the codes that the file's scan (cache.go)
// found unknown in its suppression comments.
func runIgnoreComments(p *FilePass) {
	for _, f := range p.badIgnores {
		p.Report(f)
	}
}
