package analysis

// CodeUnknownIgnoreCode marks a suppression comment that names a code no
// check reports: it suppresses nothing, most often because of a typo.
const CodeUnknownIgnoreCode = "unknown-ignore-code"

// CodeDoc is a finding code and what it means, as its Analyzer declares it.
type CodeDoc struct {
	Code  string
	Short string // one sentence
	Doc   string // a paragraph: the Analyzer's doc
}

// Codes lists every code a finding may carry, with its description, in
// the order of Analyzers.
func Codes() []CodeDoc {
	var out []CodeDoc
	for _, a := range Analyzers {
		for _, c := range a.Codes {
			out = append(out, CodeDoc{Code: c.Name, Short: c.Short, Doc: a.Doc})
		}
	}
	return out
}

// KnownCode reports whether a finding may carry code.
func KnownCode(code string) bool {
	for _, a := range Analyzers {
		for _, c := range a.Codes {
			if c.Name == code {
				return true
			}
		}
	}
	return false
}
