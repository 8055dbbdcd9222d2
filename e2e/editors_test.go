package e2e

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// serverSettingKeys are the JSON names of the fields of the server's
// settings struct, read from server/settings.go so they cannot drift.
func serverSettingKeys(t *testing.T) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join(repoRoot, "server", "settings.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != "settings" {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			t.Fatalf("server/settings.go: settings is not a struct")
		}
		for _, field := range st.Fields.List {
			if field.Tag == nil {
				continue
			}
			tag, _ := strconv.Unquote(field.Tag.Value)
			name := strings.Split(reflect.StructTag(tag).Get("json"), ",")[0]
			if name != "" && name != "-" {
				keys[name] = true
			}
		}
		return false
	})
	if len(keys) == 0 {
		t.Fatal("server/settings.go: no settings struct with json tags found")
	}
	return keys
}

// documentedCodes are the diagnostic codes with a section in docs/diagnostics.md.
func documentedCodes(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "docs", "diagnostics.md"))
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^## ([a-z0-9-]+)\s*$`).FindAllStringSubmatch(string(b), -1) {
		codes[m[1]] = true
	}
	return codes
}

var severityNames = map[string]bool{"error": true, "warning": true, "information": true, "hint": true}

// TestHelixLanguagesTOML checks editors/helix/languages.toml: the server
// command, that every settings key is one the server reads with a value of
// the right shape, and that nix runs microvm-lsp next to nil and nixd.
func TestHelixLanguagesTOML(t *testing.T) {
	doc, err := readTOML(filepath.Join(repoRoot, "editors", "helix", "languages.toml"))
	if err != nil {
		t.Fatal(err)
	}
	ls, ok := doc.tables["language-server.microvm-lsp"]
	if !ok {
		t.Fatalf("no [language-server.microvm-lsp] table; tables: %v", doc.tableNames())
	}
	if ls["command"] != "microvm-lsp" {
		t.Errorf("command = %#v, want \"microvm-lsp\"", ls["command"])
	}
	if args, ok := ls["args"]; ok && !reflect.DeepEqual(args, []string{"serve"}) && !reflect.DeepEqual(args, []string{}) {
		t.Errorf("args = %#v, want [\"serve\"] or none", args)
	}

	accepted := serverSettingKeys(t)
	codes := documentedCodes(t)
	const cfgPrefix = "language-server.microvm-lsp.config"
	seen := map[string]bool{}
	for name, table := range doc.tables {
		if name != cfgPrefix && !strings.HasPrefix(name, cfgPrefix+".") {
			continue
		}
		sub := strings.TrimPrefix(strings.TrimPrefix(name, cfgPrefix), ".")
		// The server accepts the settings with or without a "microvm-lsp" wrapper.
		sub = strings.TrimPrefix(strings.TrimPrefix(sub, "microvm-lsp"), ".")
		if sub != "" {
			// A sub-table is a setting whose value is a table.
			if !accepted[sub] {
				t.Errorf("[%s]: %q is not a setting the server accepts (%v)", name, sub, sortedKeys(accepted))
				continue
			}
			seen[sub] = true
			if sub != "severity" {
				t.Errorf("[%s]: %s is not a table-valued setting", name, sub)
			}
			for code, v := range table {
				if !codes[code] {
					t.Errorf("[%s]: %q is not a diagnostic code in docs/diagnostics.md", name, code)
				}
				if s, ok := v.(string); !ok || !severityNames[s] {
					t.Errorf("[%s]: %s = %#v, want one of error, warning, information, hint", name, code, v)
				}
			}
			continue
		}
		for key, v := range table {
			if !accepted[key] {
				t.Errorf("[%s]: %q is not a setting the server accepts (%v)", name, key, sortedKeys(accepted))
				continue
			}
			seen[key] = true
			switch key {
			case "disabledChecks":
				list, ok := v.([]string)
				if !ok {
					t.Errorf("%s = %#v, want a list of codes", key, v)
				}
				for _, c := range list {
					if !codes[c] {
						t.Errorf("disabledChecks: %q is not a diagnostic code in docs/diagnostics.md", c)
					}
				}
			case "excludePaths", "formatter":
				if _, ok := v.([]string); !ok {
					t.Errorf("%s = %#v, want a list of strings", key, v)
				}
			case "logLevel":
				if s, ok := v.(string); !ok || !map[string]bool{"debug": true, "info": true, "warn": true, "error": true}[s] {
					t.Errorf("%s = %#v, want debug, info, warn or error", key, v)
				}
			}
		}
	}
	if len(seen) == 0 {
		t.Errorf("no [%s] settings example", cfgPrefix)
	}

	var nix map[string]any
	for _, l := range doc.arrays["language"] {
		if l["name"] == "nix" {
			nix = l
		}
	}
	if nix == nil {
		t.Fatal(`no [[language]] with name = "nix"`)
	}
	// nil and nixd first: they answer hover, definition and formatting.
	if got := nix["language-servers"]; !reflect.DeepEqual(got, []string{"nil", "nixd", "microvm-lsp"}) {
		t.Errorf("nix language-servers = %#v, want [nil nixd microvm-lsp]", got)
	}
}

// TestReadmeHelixMatchesFile: the README's Helix snippet is the file's
// server definition and server list, so the two cannot disagree.
func TestReadmeHelixMatchesFile(t *testing.T) {
	snippet := readmeSnippet(t, "<!-- helix-snippet -->", "toml")
	path := filepath.Join(t.TempDir(), "readme.toml")
	if err := os.WriteFile(path, []byte(snippet), 0o644); err != nil {
		t.Fatal(err)
	}
	readme, err := readTOML(path)
	if err != nil {
		t.Fatalf("README's Helix snippet: %v", err)
	}
	file, err := readTOML(filepath.Join(repoRoot, "editors", "helix", "languages.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := readme.tables["language-server.microvm-lsp"], file.tables["language-server.microvm-lsp"]; !reflect.DeepEqual(got, want) {
		t.Errorf("README's [language-server.microvm-lsp] = %v; editors/helix/languages.toml has %v", got, want)
	}
	servers := func(d *tomlDoc) any {
		for _, l := range d.arrays["language"] {
			if l["name"] == "nix" {
				return l["language-servers"]
			}
		}
		return nil
	}
	if got, want := servers(readme), servers(file); got == nil || !reflect.DeepEqual(got, want) {
		t.Errorf("README's nix language-servers = %v; editors/helix/languages.toml has %v", got, want)
	}
}

// readmeSnippet returns the body of the first fenced code block of the
// given language after marker in README.md.
func readmeSnippet(t *testing.T, marker, lang string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), marker+"\n")
	if !ok {
		t.Fatalf("README.md has no %q line", marker)
	}
	fence := "```" + lang + "\n"
	if !strings.HasPrefix(after, fence) {
		t.Fatalf("README.md: %q is not followed by a %s code block", marker, lang)
	}
	body, _, ok := strings.Cut(after[len(fence):], "```\n")
	if !ok {
		t.Fatalf("README.md: the code block after %q is not closed", marker)
	}
	return body
}

// TestVSCodeSettingsMatchServer checks that the settings the VS Code
// extension contributes under microvm-lsp.* are the server's settings plus
// the extension's own (path, args, trace.server).
func TestVSCodeSettingsMatchServer(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "editors", "vscode", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Contributes struct {
			Configuration struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"configuration"`
		} `json:"contributes"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for k := range pkg.Contributes.Configuration.Properties {
		name, ok := strings.CutPrefix(k, "microvm-lsp.")
		if !ok {
			t.Errorf("setting %q is outside the microvm-lsp section", k)
			continue
		}
		got[name] = true
	}
	want := serverSettingKeys(t)
	for _, own := range []string{"path", "args", "trace.server"} {
		want[own] = true
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("package.json contributes microvm-lsp.%v; want %v", sortedKeys(got), sortedKeys(want))
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// tomlDoc is what readTOML understands of a TOML file: tables of keys with
// string, boolean, integer or single-line string-array values, and arrays of
// tables. Enough for editors/helix/languages.toml; anything else is an error.
type tomlDoc struct {
	tables map[string]map[string]any   // "a.b" -> key -> value
	arrays map[string][]map[string]any // [[name]] -> entries
}

func (d *tomlDoc) tableNames() []string { return sortedKeys(d.tables) }

var (
	tomlBareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	tomlTable   = regexp.MustCompile(`^\[\s*([A-Za-z0-9_.-]+)\s*\]$`)
	tomlArray   = regexp.MustCompile(`^\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]$`)
)

func readTOML(path string) (*tomlDoc, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc := &tomlDoc{tables: map[string]map[string]any{"": {}}, arrays: map[string][]map[string]any{}}
	cur := doc.tables[""]
	for i, line := range strings.Split(string(b), "\n") {
		fail := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", path, i+1, fmt.Sprintf(format, args...))
		}
		line = strings.TrimSpace(stripTOMLComment(line))
		switch {
		case line == "":
		case tomlArray.MatchString(line):
			name := tomlArray.FindStringSubmatch(line)[1]
			cur = map[string]any{}
			doc.arrays[name] = append(doc.arrays[name], cur)
		case tomlTable.MatchString(line):
			name := tomlTable.FindStringSubmatch(line)[1]
			if _, dup := doc.tables[name]; dup {
				return nil, fail("table [%s] defined twice", name)
			}
			cur = map[string]any{}
			doc.tables[name] = cur
		default:
			key, val, ok := strings.Cut(line, "=")
			if !ok {
				return nil, fail("not a key = value line: %q", line)
			}
			key = strings.TrimSpace(key)
			if uq, err := strconv.Unquote(key); err == nil {
				key = uq
			} else if !tomlBareKey.MatchString(key) {
				return nil, fail("unsupported key %q", key)
			}
			if _, dup := cur[key]; dup {
				return nil, fail("key %q defined twice", key)
			}
			v, err := tomlValue(strings.TrimSpace(val))
			if err != nil {
				return nil, fail("%s: %v", key, err)
			}
			cur[key] = v
		}
	}
	return doc, nil
}

// stripTOMLComment drops a # comment that is not inside a string.
func stripTOMLComment(line string) string {
	inString := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\' && inString:
			i++
		case c == '"':
			inString = !inString
		case c == '#' && !inString:
			return line[:i]
		}
	}
	return line
}

func tomlValue(s string) (any, error) {
	switch {
	case s == "true" || s == "false":
		return s == "true", nil
	case strings.HasPrefix(s, `"`):
		return strconv.Unquote(s)
	case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
		list := []string{}
		inner := strings.TrimSpace(s[1 : len(s)-1])
		for inner != "" {
			q, err := strconv.QuotedPrefix(inner)
			if err != nil {
				return nil, fmt.Errorf("only arrays of strings are supported: %s", s)
			}
			v, _ := strconv.Unquote(q)
			list = append(list, v)
			inner = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(inner[len(q):]), ","))
		}
		return list, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	return nil, fmt.Errorf("unsupported value %q", s)
}
