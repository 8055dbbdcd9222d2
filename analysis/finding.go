package analysis

// Severity of a finding. The values are LSP's DiagnosticSeverity numbers.
type Severity int

const (
	SeverityError       Severity = 1
	SeverityWarning     Severity = 2
	SeverityInformation Severity = 3
	SeverityHint        Severity = 4
)

// String returns the lower-case name used in CLI output and settings.
func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	case SeverityInformation:
		return "information"
	case SeverityHint:
		return "hint"
	}
	return "unknown"
}

// ParseSeverity reads a severity name as written in settings.
func ParseSeverity(s string) (Severity, bool) {
	switch s {
	case "error":
		return SeverityError, true
	case "warning":
		return SeverityWarning, true
	case "information", "info":
		return SeverityInformation, true
	case "hint":
		return SeverityHint, true
	}
	return 0, false
}

// Tag marks a finding for special display (LSP DiagnosticTag numbers).
type Tag int

const (
	TagUnnecessary Tag = 1
	TagDeprecated  Tag = 2
)

// TextEdit replaces the bytes [Pos, End) of File with NewText.
type TextEdit struct {
	File    string
	Pos     int
	End     int
	NewText string
}

// Fix is a suggested change: one or more edits, possibly in several files.
type Fix struct {
	Title     string
	Edits     []TextEdit
	Preferred bool // one per finding: the fix that keeps the most of the configuration
}

// Related points at another place that explains a finding.
type Related struct {
	File    string
	Pos     int
	End     int
	Message string
}

// Finding is one diagnostic: a byte range in a file, what is wrong, and how to fix it.
type Finding struct {
	File     string
	Pos      int
	End      int
	Severity Severity
	Code     string
	Message  string
	Related  []Related
	Fixes    []Fix
	Tags     []Tag
	// Systems names the systems a finding is about, each once, when it is
	// about systems (a module shared by several holds one finding for all).
	Systems []string
}
