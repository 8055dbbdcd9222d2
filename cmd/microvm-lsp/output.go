package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/analysis"
)

// useColor decides --color: auto colours a terminal unless NO_COLOR is set
// (https://no-color.org); always and never are what they say.
func useColor(when string, w io.Writer) bool {
	switch when {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// ANSI styles of the text output.
const (
	styleBold  = "\x1b[1m"
	styleDim   = "\x1b[2m"
	styleReset = "\x1b[0m"
)

var severityStyle = map[analysis.Severity]string{
	analysis.SeverityError:       "\x1b[1;31m",
	analysis.SeverityWarning:     "\x1b[1;33m",
	analysis.SeverityInformation: "\x1b[1;36m",
	analysis.SeverityHint:        "\x1b[36m",
}

func writeText(w io.Writer, c *checkRun, findings []analysis.Finding, hidden map[string]int, color bool) {
	paint := func(style, s string) string {
		if !color {
			return s
		}
		return style + s + styleReset
	}
	for i, f := range findings {
		l, col := c.position(f.File, f.Pos)
		fmt.Fprintf(w, "%s: %s: %s %s\n", paint(styleBold, fmt.Sprintf("%s:%d:%d", c.name(f.File), l, col)),
			paint(severityStyle[f.Severity], f.Severity.String()), f.Message, paint(styleDim, "["+f.Code+"]"))
		for _, r := range f.Related {
			rl, rc := c.position(r.File, r.Pos)
			fmt.Fprintf(w, "    %s: %s\n", paint(styleBold, fmt.Sprintf("%s:%d:%d", c.name(r.File), rl, rc)), r.Message)
		}
		if n := hidden[f.File]; n > 0 && (i+1 == len(findings) || findings[i+1].File != f.File) {
			fmt.Fprintf(w, "%s: %d more finding(s) in this file not shown (--max-per-file)\n", c.name(f.File), n)
		}
	}
}

// The JSON output: one array of findings. Lines and columns are 1-based,
// columns in bytes (UTF-8); endLine/endColumn are exclusive.
type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type jsonEdit struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	NewText   string `json:"newText"`
}

type jsonFix struct {
	Title string     `json:"title"`
	Edits []jsonEdit `json:"edits"`
}

type jsonFinding struct {
	File      string        `json:"file"`
	Line      int           `json:"line"`
	Column    int           `json:"column"`
	EndLine   int           `json:"endLine"`
	EndColumn int           `json:"endColumn"`
	Severity  string        `json:"severity"`
	Code      string        `json:"code"`
	Message   string        `json:"message"`
	Related   []jsonRelated `json:"related"`
	Fixes     []jsonFix     `json:"fixes"`
}

func writeJSON(w io.Writer, c *checkRun, findings []analysis.Finding) {
	out := []jsonFinding{}
	for _, f := range findings {
		l, col := c.position(f.File, f.Pos)
		el, ec := c.position(f.File, f.End)
		jf := jsonFinding{File: c.name(f.File), Line: l, Column: col, EndLine: el, EndColumn: ec,
			Severity: f.Severity.String(), Code: f.Code, Message: f.Message, Related: []jsonRelated{}, Fixes: []jsonFix{}}
		for _, r := range f.Related {
			rl, rc := c.position(r.File, r.Pos)
			jf.Related = append(jf.Related, jsonRelated{File: c.name(r.File), Line: rl, Column: rc, Message: r.Message})
		}
		for _, fx := range f.Fixes {
			j := jsonFix{Title: fx.Title, Edits: []jsonEdit{}}
			for _, e := range fx.Edits {
				el, ec := c.position(e.File, e.Pos)
				eel, eec := c.position(e.File, e.End)
				j.Edits = append(j.Edits, jsonEdit{File: c.name(e.File), Line: el, Column: ec, EndLine: eel, EndColumn: eec, NewText: e.NewText})
			}
			jf.Fixes = append(jf.Fixes, j)
		}
		out = append(out, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(out)
}

// SARIF 2.1.0, the format code-scanning services take. Only what we fill
// is declared; rules and results are always arrays (a clean run included).
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult               `json:"results"`
	ColumnKind         string                      `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
	FullDescription  sarifMessage `json:"fullDescription"`
	// Help names the code's section of docs/diagnostics.md; HelpURI links
	// there when the docsUrl setting says where the docs are published.
	Help    sarifMessage `json:"help"`
	HelpURI string       `json:"helpUri,omitempty"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	RuleIndex        int             `json:"ruleIndex"`
	Level            string          `json:"level"`
	Message          sarifMessage    `json:"message"`
	Locations        []sarifLocation `json:"locations"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
}

type sarifLocation struct {
	ID               *int                  `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifMessage         `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           sarifRegion      `json:"region"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

var sarifLevel = map[analysis.Severity]string{analysis.SeverityError: "error", analysis.SeverityWarning: "warning",
	analysis.SeverityInformation: "note", analysis.SeverityHint: "note"}

func writeSARIF(w io.Writer, c *checkRun, findings []analysis.Finding) {
	cwd, _ := os.Getwd()
	driver := sarifDriver{Name: "microvm-lsp", Version: buildVersion(), InformationURI: c.in.docsLink, Rules: []sarifRule{}}
	index := map[string]int{}
	// One rule per code, with the short description and the doc its Analyzer declares.
	for _, code := range analysis.Codes() {
		index[code.Code] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule{ID: code.Code, ShortDescription: sarifMessage{code.Short},
			FullDescription: sarifMessage{code.Doc}, Help: sarifMessage{fmt.Sprintf("%s See the section %q of docs/diagnostics.md in microvm-lsp's documentation.", code.Doc, code.Code)}})
		if c.in.docsLink != "" {
			driver.Rules[len(driver.Rules)-1].HelpURI = c.in.docsLink + "#" + code.Code
		}
	}
	// Relative names are relative to the current directory: SRCROOT.
	artifact := func(key string) sarifArtifactLoc {
		name := filepath.ToSlash(c.name(key))
		if filepath.IsAbs(c.name(key)) {
			return sarifArtifactLoc{URI: (&url.URL{Scheme: "file", Path: name}).String()}
		}
		return sarifArtifactLoc{URI: (&url.URL{Path: name}).EscapedPath(), URIBaseID: "SRCROOT"}
	}
	region := func(key string, pos, end int) sarifRegion {
		l, col := c.positionUTF16(key, pos)
		el, ec := c.positionUTF16(key, end)
		if el < l || el == l && ec <= col {
			el, ec = 0, 0 // an empty range: SARIF wants a non-empty one, or none
		}
		return sarifRegion{StartLine: l, StartColumn: col, EndLine: el, EndColumn: ec}
	}
	results := []sarifResult{}
	for _, f := range findings {
		r := sarifResult{RuleID: f.Code, RuleIndex: index[f.Code], Level: sarifLevel[f.Severity], Message: sarifMessage{f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: artifact(f.File), Region: region(f.File, f.Pos, f.End)}}}}
		for i, rel := range f.Related {
			id := i + 1
			r.RelatedLocations = append(r.RelatedLocations, sarifLocation{ID: &id, Message: &sarifMessage{rel.Message},
				PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: artifact(rel.File), Region: region(rel.File, rel.Pos, rel.End)}})
		}
		results = append(results, r)
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: results, ColumnKind: "utf16CodeUnits"}
	if cwd != "" {
		base := (&url.URL{Scheme: "file", Path: filepath.ToSlash(cwd)}).String()
		if !strings.HasSuffix(base, "/") {
			base += "/"
		}
		run.OriginalURIBaseIDs = map[string]sarifArtifactLoc{"SRCROOT": {URI: base}}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

// writeDiffs prints a unified diff of each file --fix changed and returns
// how many there are.
func writeDiffs(w io.Writer, c *checkRun, before map[string][]byte) int {
	n := 0
	for _, key := range sortedKeys(before) {
		old, cur := string(before[key]), string(c.in.files[key].src)
		if old == cur {
			continue
		}
		n++
		name := filepath.ToSlash(c.name(key))
		fmt.Fprint(w, unifiedDiff("a/"+strings.TrimPrefix(name, "/"), "b/"+strings.TrimPrefix(name, "/"), old, cur))
	}
	return n
}
