package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/internal/readfile"
)

// settingsSection is the configuration section we ask workspace/configuration
// for, and the wrapper key we accept around settings wherever they arrive.
const settingsSection = "microvm-lsp"

// settings are the user's choices, from initializationOptions and
// workspace/configuration. The zero value is the default.
type settings struct {
	DisabledChecks []string          `json:"disabledChecks"`
	Severity       map[string]string `json:"severity"` // code -> error|warning|information|hint
	ExcludePaths   []string          `json:"excludePaths"`
	LogLevel       string            `json:"logLevel"`
	// Formatter is the command (program and arguments, no shell) that
	// formats a document from stdin to stdout; empty means ["nixfmt"].
	Formatter []string `json:"formatter"`
	// StoreRoot is the directory the Nix store sits under (as with Nix's
	// --store local?root=DIR); "" for /.
	StoreRoot string `json:"storeRoot"`
	// DocsURL is where the user reads docs/diagnostics.md (a published copy,
	// or a file: URL of a checkout); each diagnostic links to DocsURL#code.
	// Empty: diagnostics carry no link, rather than one that may not exist.
	DocsURL string `json:"docsUrl"`
	// DiagnosticsScope says which files get published diagnostics (see
	// diagnosticsScope); the index and cross-file features cover all files
	// either way.
	DiagnosticsScope string `json:"diagnosticsScope"`
}

// mergeSettings returns base overridden by the keys present in raw. Editors
// disagree on whether settings come wrapped in {"microvm-lsp": {...}} (see
// docs on Helix and nvim-lspconfig), so both forms are accepted. A key of the
// wrong type is skipped with a warning rather than discarding the rest, and
// an unknown key is named in a warning.
func mergeSettings(base settings, raw json.RawMessage) (settings, []string) {
	var obj map[string]json.RawMessage
	if len(raw) == 0 || string(raw) == "null" {
		return base, nil
	}
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return base, []string{fmt.Sprintf("settings ignored: not a JSON object: %.40s", raw)}
	}
	if inner, ok := obj[settingsSection]; ok {
		var unwrapped map[string]json.RawMessage
		if json.Unmarshal(inner, &unwrapped) == nil && unwrapped != nil {
			obj = unwrapped
		}
	}
	out := base
	var warnings []string
	overrideSetting(obj, "disabledChecks", &out.DisabledChecks, &warnings)
	overrideSetting(obj, "severity", &out.Severity, &warnings)
	overrideSetting(obj, "excludePaths", &out.ExcludePaths, &warnings)
	overrideSetting(obj, "logLevel", &out.LogLevel, &warnings)
	overrideSetting(obj, "formatter", &out.Formatter, &warnings)
	overrideSetting(obj, "storeRoot", &out.StoreRoot, &warnings)
	overrideSetting(obj, "docsUrl", &out.DocsURL, &warnings)
	overrideSetting(obj, "diagnosticsScope", &out.DiagnosticsScope, &warnings)
	var unknown []string
	for key := range obj {
		if !knownSettings[key] && !clientSettings[key] {
			unknown = append(unknown, fmt.Sprintf("%q", key))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		warnings = append(warnings, fmt.Sprintf("unknown setting(s) %s ignored (known: %s)",
			strings.Join(unknown, ", "), strings.Join(sortedKeys(knownSettings), ", ")))
	}
	return out, warnings
}

// knownSettings are the keys mergeSettings reads.
var knownSettings = map[string]bool{"disabledChecks": true, "severity": true, "excludePaths": true, "logLevel": true, "formatter": true, "storeRoot": true, "docsUrl": true, "diagnosticsScope": true}

// clientSettings are keys of our section that an editor extension reads
// itself (editors/vscode: where the binary is, its arguments, tracing):
// they arrive with the rest and are not the server's to warn about.
var clientSettings = map[string]bool{"path": true, "args": true, "trace": true}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// SettingsFile is the name of the settings file in the root of a workspace
// folder: a JSON object with the keys of the editor settings (disabledChecks,
// severity, excludePaths, ...). The server reads it when it starts, under the
// editor's settings; `microvm-lsp check` reads it as well.
const SettingsFile = ".microvm-lsp.json"

// WorkspaceSettings are the settings of a SettingsFile as a batch run
// applies them.
type WorkspaceSettings struct {
	Config   analysis.Config
	Exclude  []string // globs, relative to the folder of the file
	Warnings []string // keys and values ignored, each naming what
	// DocsLink is the docsUrl setting without its fragment: a code's
	// documentation is DocsLink + "#" + code. Empty when not set.
	DocsLink string
}

// ReadSettingsFile reads SettingsFile in dir. found is false when there is
// none; err is set when it cannot be read or is not a JSON object.
func ReadSettingsFile(dir string) (ws WorkspaceSettings, found bool, err error) {
	st, warnings, found, err := readSettingsFile(dir)
	if !found || err != nil {
		return ws, found, err
	}
	cfg, more := st.analysisConfig()
	docs, bad := st.docsLink()
	return WorkspaceSettings{Config: cfg, Exclude: st.ExcludePaths, Warnings: append(append(warnings, more...), bad...), DocsLink: docs}, true, nil
}

// maxSettingsFile bounds the settings file read.
const maxSettingsFile = 1 << 20

func readSettingsFile(dir string) (settings, []string, bool, error) {
	name := filepath.Join(dir, SettingsFile)
	// A regular file only, of a settings file's size: a workspace may hold
	// anything under that name (a link to /dev/zero, a FIFO).
	raw, err := readfile.Regular(name, nil, maxSettingsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return settings{}, nil, false, nil
	}
	if err != nil {
		return settings{}, nil, true, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		if err == nil {
			err = errors.New("not a JSON object")
		}
		return settings{}, nil, true, fmt.Errorf("%s: %v", name, err)
	}
	st, warnings := mergeSettings(settings{}, raw)
	if _, ok := obj["formatter"]; ok {
		// A file in a cloned repository must not choose a program for the
		// server to run: the formatter comes from the editor's settings.
		st.Formatter = nil
		warnings = append(warnings, `"formatter" ignored: the formatter is read from the editor's settings only, so that a repository cannot choose a program to run`)
	}
	for i, w := range warnings {
		warnings[i] = SettingsFile + ": " + w
	}
	return st, warnings, true, nil
}

// folderSettings returns the settings file of the first workspace folder
// that has one: the base under the editor's settings.
func folderSettings(folders []string) (settings, []string) {
	var warnings []string
	for _, dir := range folders {
		st, w, found, err := readSettingsFile(dir)
		if err != nil {
			warnings = append(warnings, err.Error()+"; ignored")
			continue
		}
		if found {
			return st, append(warnings, w...)
		}
	}
	return settings{}, warnings
}

// Excluded reports whether path (slash-separated) lies below dir and one of
// globs, relative to dir, matches it or a directory above it: the rules of
// the excludePaths setting.
func Excluded(globs []string, dir, path string) bool {
	return newExcludeMatcher(globs).excluded(path, []string{strings.TrimSuffix(dir, "/")})
}

// docsLink returns the base of diagnostics' codeDescription links from
// DocsURL without its fragment, or "" with a warning when it is not an
// absolute URL.
func (st settings) docsLink() (string, []string) {
	if st.DocsURL == "" {
		return "", nil
	}
	u, err := url.Parse(st.DocsURL)
	if err != nil || !u.IsAbs() {
		return "", []string{fmt.Sprintf("setting \"docsUrl\" ignored: %q is not an absolute URL (such as https://... or file:///...)", st.DocsURL)}
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String(), nil
}

// overrideSetting sets *dst from obj[key] when the key is present; null
// resets it to the default.
func overrideSetting[T any](obj map[string]json.RawMessage, key string, dst *T, warnings *[]string) {
	v, ok := obj[key]
	if !ok {
		return
	}
	var x T
	if err := json.Unmarshal(v, &x); err != nil {
		*warnings = append(*warnings, fmt.Sprintf("setting %q ignored: %v", key, err))
		return
	}
	*dst = x
}

// analysisConfig maps settings onto the analysis configuration; unknown
// severity names are reported as warnings.
func (st settings) analysisConfig() (analysis.Config, []string) {
	cfg := analysis.Config{Disabled: map[string]bool{}, Severity: map[string]analysis.Severity{}}
	for _, code := range st.DisabledChecks {
		cfg.Disabled[code] = true
	}
	var warnings []string
	for _, code := range st.DisabledChecks {
		if !analysis.KnownCode(code) {
			warnings = append(warnings, fmt.Sprintf("disabledChecks: %q is not a microvm-lsp code", code))
		}
	}
	codes := make([]string, 0, len(st.Severity))
	for code := range st.Severity {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		name := st.Severity[code]
		if !analysis.KnownCode(code) {
			warnings = append(warnings, fmt.Sprintf("severity: %q is not a microvm-lsp code", code))
		}
		sev, ok := analysis.ParseSeverity(strings.ToLower(name))
		if !ok {
			warnings = append(warnings, fmt.Sprintf("severity %q for %s is not one of error, warning, information, hint; ignored", name, code))
			continue
		}
		cfg.Severity[code] = sev
	}
	return cfg, warnings
}

// excludeMatcher decides from excludePaths whether a path is left out of the
// workspace. Patterns are globs relative to a workspace folder: "*", "?" and
// "[...]" match within one path segment, "**" matches any number of
// segments, and a pattern that matches a directory excludes all below it.
type excludeMatcher struct {
	patterns [][]string
}

func newExcludeMatcher(globs []string) *excludeMatcher {
	m := &excludeMatcher{}
	for _, g := range globs {
		g = strings.Trim(strings.TrimPrefix(path.Clean("/"+g), "/"), "/")
		if g == "" || g == "." {
			continue
		}
		m.patterns = append(m.patterns, strings.Split(g, "/"))
	}
	return m
}

// excluded reports whether p is excluded, given the workspace folders it may
// lie in.
func (m *excludeMatcher) excluded(p string, folders []string) bool {
	if m == nil || len(m.patterns) == 0 {
		return false
	}
	for _, dir := range folders {
		if !within(p, dir) || p == dir {
			continue
		}
		rel := strings.TrimPrefix(p[len(dir):], "/")
		segs := strings.Split(rel, "/")
		for i := 1; i <= len(segs); i++ {
			for _, pat := range m.patterns {
				if matchSegments(pat, segs[:i]) {
					return true
				}
			}
		}
	}
	return false
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			for i := 0; i <= len(name); i++ {
				if matchSegments(rest, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// applySettings makes new settings current and republishes diagnostics.
func (s *Server) applySettings(st settings, warnings []string) {
	cfg, more := st.analysisConfig()
	warnings = append(warnings, more...)
	var level zapcore.Level
	if st.LogLevel != "" {
		var err error
		if level, err = zapcore.ParseLevel(st.LogLevel); err != nil {
			warnings = append(warnings, fmt.Sprintf("logLevel %q is not one of debug, info, warn, error; ignored", st.LogLevel))
		}
	}
	docs, more := st.docsLink()
	warnings = append(warnings, more...)
	for _, w := range warnings {
		s.log.Warn(w)
	}
	if len(warnings) > 0 {
		// The log is out of sight in most editors: say it where the user
		// looks, naming what was ignored.
		s.notifyClient(protocol.MethodWindowShowMessage, protocol.ShowMessageParams{Type: protocol.MessageTypeWarning,
			Message: "microvm-lsp: " + strings.Join(warnings, "; ")})
	}
	s.mu.Lock()
	oldExclude := s.settings.ExcludePaths
	s.settings = st
	s.cfg = cfg
	s.docsLink = docs
	s.exclude = newExcludeMatcher(st.ExcludePaths)
	s.scope = parseDiagnosticsScope(st.DiagnosticsScope, func(w string) { s.log.Warn(w) })
	rescan := s.indexStarted
	s.mu.Unlock()
	if st.LogLevel != "" && s.opts.Level != nil {
		if _, err := zapcore.ParseLevel(st.LogLevel); err == nil {
			s.opts.Level.SetLevel(level)
		}
	}
	s.log.Info("settings", zap.Strings("disabledChecks", st.DisabledChecks), zap.Any("severity", st.Severity), zap.Strings("excludePaths", st.ExcludePaths))
	if rescan && !slices.Equal(oldExclude, st.ExcludePaths) {
		// Files once excluded were never read: read the folders again.
		s.index.dropExcluded(s.exclude)
		s.reindex(s.index.folderList())
	}
	s.changed()
}

// pullSettings asks the client for our configuration section, when it can
// answer, and applies it over the initializationOptions. Pulls run one at a
// time, each applying its answer: the pull after initialized and the one a
// didChangeConfiguration starts often overlap, and the first diagnostics
// (which wait for the first pull) must see the answer, not a pull that was
// dropped for a newer one still under way.
func (s *Server) pullSettings(ctx context.Context) {
	s.mu.Lock()
	pull := s.caps.Workspace.Configuration
	s.mu.Unlock()
	if !pull {
		return
	}
	s.pullMu.Lock()
	defer s.pullMu.Unlock()
	s.pullLocked(ctx)
}

// pullLocked is pullSettings under pullMu.
func (s *Server) pullLocked(ctx context.Context) {
	var result []json.RawMessage
	params := protocol.ConfigurationParams{Items: []protocol.ConfigurationItem{{Section: settingsSection}}}
	if err := s.callClient(ctx, protocol.MethodWorkspaceConfiguration, params, &result); err != nil {
		s.clientCallFailed("workspace/configuration failed; keeping the current settings", err)
		return
	}
	s.mu.Lock()
	base := s.initSettings
	s.mu.Unlock()
	st := base
	var warnings []string
	if len(result) > 0 {
		st, warnings = mergeSettings(base, result[0])
	}
	s.applySettings(st, warnings)
}

// pullQueue keeps to one the pulls that wait behind a running one, however
// many didChangeConfiguration notifications arrive meanwhile: the waiting
// pull starts after all of them.
type pullQueue struct {
	mu      sync.Mutex
	waiting bool
}

// queue reports whether a new pull must be started (none waits yet).
func (q *pullQueue) queue() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.waiting {
		return false
	}
	q.waiting = true
	return true
}

// queuedPull waits for the running pull, then pulls.
func (s *Server) queuedPull() {
	s.pullMu.Lock()
	defer s.pullMu.Unlock()
	s.pulls.mu.Lock()
	s.pulls.waiting = false // a change from now on needs a pull of its own
	s.pulls.mu.Unlock()
	s.pullLocked(s.ctx)
}

// didChangeConfiguration re-reads settings: pulled if the client answers
// workspace/configuration (the pushed value is often null then), else taken
// from the notification.
func (s *Server) didChangeConfiguration(pushed any) {
	s.mu.Lock()
	pull := s.caps.Workspace.Configuration
	base := s.initSettings
	s.mu.Unlock()
	if pull {
		if s.pulls.queue() {
			s.background(s.queuedPull)
		}
		return
	}
	raw, _ := json.Marshal(pushed)
	st, warnings := mergeSettings(base, raw)
	s.applySettings(st, warnings)
}
