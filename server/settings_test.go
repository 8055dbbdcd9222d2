package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/analysis"
)

func TestMergeSettingsAcceptsBothShapes(t *testing.T) {
	want := settings{DisabledChecks: []string{"syntax-error"}, Severity: map[string]string{"role-conflict": "hint"}}
	for _, raw := range []string{
		`{"disabledChecks": ["syntax-error"], "severity": {"role-conflict": "hint"}}`,
		`{"microvm-lsp": {"disabledChecks": ["syntax-error"], "severity": {"role-conflict": "hint"}}}`,
	} {
		got, warnings := mergeSettings(settings{}, json.RawMessage(raw))
		if !reflect.DeepEqual(got, want) || len(warnings) > 0 {
			t.Errorf("%s:\n got %+v %v\nwant %+v", raw, got, warnings, want)
		}
	}
}

func TestMergeSettingsKeepsBaseAndSkipsBadKeys(t *testing.T) {
	base := settings{DisabledChecks: []string{"a"}, LogLevel: "debug"}
	got, warnings := mergeSettings(base, json.RawMessage(`{"disabledChecks": "not a list", "excludePaths": ["vendor"]}`))
	if !reflect.DeepEqual(got.DisabledChecks, []string{"a"}) || got.LogLevel != "debug" || !reflect.DeepEqual(got.ExcludePaths, []string{"vendor"}) {
		t.Errorf("got %+v", got)
	}
	if len(warnings) != 1 {
		t.Errorf("warnings = %v, want one for disabledChecks", warnings)
	}
	for _, raw := range []string{``, `null`, `[1]`, `"x"`} {
		if got, _ := mergeSettings(base, json.RawMessage(raw)); !reflect.DeepEqual(got, base) {
			t.Errorf("%q changed the settings to %+v", raw, got)
		}
	}
}

func TestAnalysisConfigFromSettings(t *testing.T) {
	cfg, warnings := settings{
		DisabledChecks: []string{"unused-binding"},
		Severity:       map[string]string{"role-conflict": "Warning", "syntax-error": "info", "undefined-variable": "loud"},
	}.analysisConfig()
	if !cfg.Disabled["unused-binding"] || cfg.Severity["role-conflict"] != analysis.SeverityWarning || cfg.Severity["syntax-error"] != analysis.SeverityInformation {
		t.Errorf("config = %+v", cfg)
	}
	if _, ok := cfg.Severity["undefined-variable"]; ok || len(warnings) != 1 || !strings.Contains(warnings[0], `"loud"`) {
		t.Errorf("bad severity: config %+v, warnings %v", cfg, warnings)
	}
	// Codes no check reports are named (a typo would silently change nothing).
	_, warnings = settings{DisabledChecks: []string{"unused-bindings"}, Severity: map[string]string{"rolle-conflict": "hint"}}.analysisConfig()
	if len(warnings) != 2 || !strings.Contains(warnings[0], `"unused-bindings"`) || !strings.Contains(warnings[1], `"rolle-conflict"`) {
		t.Errorf("unknown codes: warnings %v", warnings)
	}
}

func TestExcludeMatcher(t *testing.T) {
	folders := []string{"/ws"}
	for _, tc := range []struct {
		globs []string
		path  string
		want  bool
	}{
		{[]string{"vendor"}, "/ws/vendor/a.nix", true},
		{[]string{"vendor/**"}, "/ws/vendor/x/a.nix", true},
		{[]string{"./vendor/"}, "/ws/vendor/a.nix", true},
		{[]string{"**/gen/*.nix"}, "/ws/a/b/gen/x.nix", true},
		{[]string{"**/gen/*.nix"}, "/ws/a/b/gen/x.txt", false},
		{[]string{"*.nix"}, "/ws/top.nix", true},
		{[]string{"*.nix"}, "/ws/sub/deep.nix", true}, // sub matches? no: but sub/deep.nix does not; see below
		{[]string{"hosts/*/hardware.nix"}, "/ws/hosts/a/hardware.nix", true},
		{[]string{"hosts/*/hardware.nix"}, "/ws/hosts/a/b/hardware.nix", false},
		{[]string{"vendor"}, "/elsewhere/vendor/a.nix", false},
		{nil, "/ws/a.nix", false},
	} {
		if tc.path == "/ws/sub/deep.nix" {
			tc.want = false // "*.nix" matches one segment: neither "sub" nor "sub/deep.nix"
		}
		if got := newExcludeMatcher(tc.globs).excluded(tc.path, folders); got != tc.want {
			t.Errorf("%v excludes %s: %v, want %v", tc.globs, tc.path, got, tc.want)
		}
	}
}

func TestSettingsChangeDisablesACheck(t *testing.T) {
	c := start(t, Options{})
	u := protocol.DocumentURI("file:///w/cfg.nix")
	c.open(u, "{ a = 1 }")
	c.waitCount(u, 1)
	c.setConfig(map[string]any{"disabledChecks": []string{"syntax-error"}})
	c.notify(protocol.MethodWorkspaceDidChangeConfiguration, map[string]any{"settings": nil})
	c.waitCount(u, 0)
	// Back on, this time wrapped as some editors send it.
	c.setConfig(map[string]any{"microvm-lsp": map[string]any{"severity": map[string]string{"syntax-error": "hint"}}})
	c.notify(protocol.MethodWorkspaceDidChangeConfiguration, map[string]any{"settings": nil})
	got := c.waitCount(u, 1)
	if got[0].Severity != protocol.DiagnosticSeverityHint {
		t.Errorf("severity %v, want hint", got[0].Severity)
	}
}

func TestPushedSettingsWithoutWorkspaceConfiguration(t *testing.T) {
	c := startSession(t, Options{})
	caps := vscodeCapabilities()
	caps["workspace"].(map[string]any)["configuration"] = false
	c.initialize(sessionOptions{capabilities: caps})
	u := protocol.DocumentURI("file:///w/push.nix")
	c.open(u, "{ a = 1 }")
	c.waitCount(u, 1)
	c.notify(protocol.MethodWorkspaceDidChangeConfiguration, map[string]any{
		"settings": map[string]any{"microvm-lsp": map[string]any{"disabledChecks": []string{"syntax-error"}}},
	})
	c.waitCount(u, 0)
	for _, m := range c.requests {
		if m == "workspace/configuration" {
			t.Error("asked workspace/configuration of a client that does not support it")
		}
	}
}

func TestInitializationOptionsApply(t *testing.T) {
	c := startSession(t, Options{})
	c.initialize(sessionOptions{initOptions: map[string]any{"severity": map[string]string{"syntax-error": "hint"}}})
	u := protocol.DocumentURI("file:///w/init.nix")
	c.open(u, "{ a = 1 }")
	if got := c.waitCount(u, 1); got[0].Severity != protocol.DiagnosticSeverityHint {
		t.Errorf("severity %v, want hint from initializationOptions", got[0].Severity)
	}
	// A workspace/configuration answer of null keeps the initializationOptions.
	c.notify(protocol.MethodWorkspaceDidChangeConfiguration, map[string]any{"settings": nil})
	c.waitFor("a second workspace/configuration", func() bool { return countString(c.requests, "workspace/configuration") >= 2 })
	v := c.edit(u, rng(0, 0, 0, 0), " ")
	got := c.waitDiagnostics(u, "the edit", func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == v })
	if len(got.Diagnostics) != 1 || got.Diagnostics[0].Severity != protocol.DiagnosticSeverityHint {
		t.Errorf("after a null configuration: %+v", got.Diagnostics)
	}
}

// TestFirstDiagnosticsSeeOverlappingPulls: editors such as lsp-mode push a
// didChangeConfiguration right after initialized, so two pulls overlap. The
// first diagnostics wait for the settings and must carry them, whichever
// pull answers first.
func TestFirstDiagnosticsSeeOverlappingPulls(t *testing.T) {
	c := startSession(t, Options{})
	c.setConfig(map[string]any{"severity": map[string]string{"syntax-error": "hint"}})
	c.mu.Lock()
	c.configDelay = []time.Duration{100 * time.Millisecond, 600 * time.Millisecond}
	c.mu.Unlock()
	c.initialize(sessionOptions{})
	c.notify(protocol.MethodWorkspaceDidChangeConfiguration, map[string]any{"settings": nil})
	u := protocol.DocumentURI("file:///w/overlap.nix")
	c.open(u, "{ a = 1 }")
	if got := c.waitCount(u, 1); got[0].Severity != protocol.DiagnosticSeverityHint {
		t.Errorf("first diagnostics have severity %v, want hint from the client's settings", got[0].Severity)
	}
}

func countString(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

func TestMergeSettingsNamesUnknownKeys(t *testing.T) {
	for _, raw := range []string{
		`{"disabledCheck": ["unused-binding"], "severty": {}, "logLevel": "debug", "path": "x", "args": [], "trace": {"server": "off"}}`,
		`{"microvm-lsp": {"disabledCheck": ["unused-binding"], "severty": {}, "logLevel": "debug"}}`,
	} {
		got, warnings := mergeSettings(settings{}, json.RawMessage(raw))
		if got.LogLevel != "debug" || len(warnings) != 1 ||
			!strings.Contains(warnings[0], `"disabledCheck", "severty"`) || !strings.Contains(warnings[0], "disabledChecks") {
			t.Errorf("%s: %+v, warnings %q", raw, got, warnings)
		}
	}
}

func TestBadSettingsAreShownToTheUser(t *testing.T) {
	c := startSession(t, Options{})
	c.initialize(sessionOptions{initOptions: map[string]any{
		"disabledChecks": "unused-binding",
		"severity":       map[string]string{"role-conflict": "loud"},
		"excludePath":    []string{"vendor"},
	}})
	var got string
	c.waitFor("a window/showMessage", func() bool {
		if len(c.messages) > 0 {
			got = c.messages[0]
		}
		return got != ""
	})
	for _, want := range []string{`"disabledChecks" ignored`, `"loud"`, `"excludePath"`} {
		if !strings.Contains(got, want) {
			t.Errorf("message %q does not mention %s", got, want)
		}
	}
	// A configuration change with a wrong type is shown as well.
	c.setConfig(map[string]any{"formatter": "nixfmt"})
	c.notify(protocol.MethodWorkspaceDidChangeConfiguration, map[string]any{"settings": nil})
	c.waitFor("a second window/showMessage", func() bool {
		return len(c.messages) > 1 && strings.Contains(c.messages[len(c.messages)-1], `"formatter"`)
	})
}

func TestSettingsFileIsTheBase(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, SettingsFile), []byte(`{"severity": {"syntax-error": "hint"}, "disabledCheks": []}`), 0o644)
	os.WriteFile(filepath.Join(dir, "a.nix"), []byte("{ a = 1 }"), 0o644)
	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: pathToURI(filepath.ToSlash(dir))})
	u := pathToURI(filepath.ToSlash(filepath.Join(dir, "a.nix")))
	c.open(u, "{ a = 1 }")
	if got := c.waitCount(u, 1); got[0].Severity != protocol.DiagnosticSeverityHint {
		t.Errorf("severity %v, want hint from %s", got[0].Severity, SettingsFile)
	}
	c.waitFor("a message naming the file's unknown key", func() bool {
		return len(c.messages) > 0 && strings.Contains(c.messages[0], SettingsFile+`: unknown setting(s) "disabledCheks"`)
	})
	// The editor's settings win over the file's.
	c.setConfig(map[string]any{"severity": map[string]string{"syntax-error": "warning"}})
	c.notify(protocol.MethodWorkspaceDidChangeConfiguration, map[string]any{"settings": nil})
	c.waitDiagnostics(u, "warning from the editor", func(p publishDiagnosticsParams) bool {
		return len(p.Diagnostics) == 1 && p.Diagnostics[0].Severity == protocol.DiagnosticSeverityWarning
	})

	ws, found, err := ReadSettingsFile(dir)
	if !found || err != nil || ws.Config.Severity["syntax-error"] != analysis.SeverityHint || len(ws.Warnings) != 1 {
		t.Errorf("ReadSettingsFile: %+v %v %v", ws, found, err)
	}
	if _, found, err := ReadSettingsFile(t.TempDir()); found || err != nil {
		t.Errorf("no file: found %v, err %v", found, err)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, SettingsFile), []byte(`["x"]`), 0o644)
	if _, found, err := ReadSettingsFile(bad); !found || err == nil {
		t.Errorf("a list: found %v, err %v", found, err)
	}
}

// TestSettingsFileOfAnyKind: a workspace may hold anything under the
// settings file's name; a link to /dev/zero was read until memory ran out.
// Only a regular file of a settings file's size is read; anything else is
// an error that names it.
func TestSettingsFileOfAnyKind(t *testing.T) {
	zero := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(zero, SettingsFile)); err != nil {
		t.Fatal(err)
	}
	big := t.TempDir()
	os.WriteFile(filepath.Join(big, SettingsFile), append([]byte(`{"x": "`), make([]byte, maxSettingsFile)...), 0o644)
	for dir, want := range map[string]string{zero: "not a regular file", big: "too large"} {
		done := make(chan error, 1)
		go func() {
			_, found, err := ReadSettingsFile(dir)
			if !found {
				t.Errorf("%s: not found", want)
			}
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), SettingsFile) {
				t.Errorf("error %v, want %q naming the file", err, want)
			}
		case <-time.After(time.Minute): // at once when the file is not read
			t.Fatalf("%s: the settings file was read", want)
		}
	}
}

func TestSettingsFileCannotChooseTheFormatter(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, SettingsFile), []byte(`{"formatter": ["sh", "-c", "touch pwned"], "disabledChecks": ["unused-binding"]}`), 0o644)
	st, warnings, found, err := readSettingsFile(dir)
	if !found || err != nil {
		t.Fatalf("found %v, err %v", found, err)
	}
	if st.Formatter != nil {
		t.Errorf("formatter %q taken from %s", st.Formatter, SettingsFile)
	}
	if len(st.DisabledChecks) != 1 {
		t.Errorf("the other keys are lost: %+v", st)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `"formatter" ignored`) {
		t.Errorf("warnings %q", warnings)
	}
}
