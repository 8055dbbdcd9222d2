package server

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/microvm-lsp/microvm-lsp/analysis"
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
	// DiagnosticsScope says which files get published diagnostics (see
	// diagnosticsScope); the index and cross-file features cover all files
	// either way.
	DiagnosticsScope string `json:"diagnosticsScope"`
}

// mergeSettings returns base overridden by the keys present in raw. Editors
// disagree on whether settings come wrapped in {"microvm-lsp": {...}} (see
// docs on Helix and nvim-lspconfig), so both forms are accepted. A key of the
// wrong type is skipped with a warning rather than discarding the rest.
func mergeSettings(base settings, raw json.RawMessage) (settings, []string) {
	var obj map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &obj) != nil || obj == nil {
		return base, nil
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
	overrideSetting(obj, "diagnosticsScope", &out.DiagnosticsScope, &warnings)
	return out, warnings
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
	codes := make([]string, 0, len(st.Severity))
	for code := range st.Severity {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		name := st.Severity[code]
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
	for _, w := range warnings {
		s.log.Warn(w)
	}
	s.mu.Lock()
	oldExclude := s.settings.ExcludePaths
	s.settings = st
	s.cfg = cfg
	s.exclude = newExcludeMatcher(st.ExcludePaths)
	s.scope = parseDiagnosticsScope(st.DiagnosticsScope, func(w string) { s.log.Warn(w) })
	rescan := s.indexStarted
	s.mu.Unlock()
	if st.LogLevel != "" && s.opts.Level != nil {
		if lvl, err := zapcore.ParseLevel(st.LogLevel); err == nil {
			s.opts.Level.SetLevel(lvl)
		} else {
			s.log.Warn("logLevel setting ignored", zap.String("logLevel", st.LogLevel), zap.Error(err))
		}
	}
	s.log.Info("settings", zap.Strings("disabledChecks", st.DisabledChecks), zap.Any("severity", st.Severity), zap.Strings("excludePaths", st.ExcludePaths))
	if rescan && !equalStrings(oldExclude, st.ExcludePaths) {
		// Files once excluded were never read: read the folders again.
		s.index.dropExcluded(s.exclude)
		s.background(func() { s.indexFolders(s.ctx, s.index.folderList()) })
	}
	s.changed()
}

// pullSettings asks the client for our configuration section, when it can
// answer, and applies it over the initializationOptions.
func (s *Server) pullSettings(ctx context.Context) {
	s.mu.Lock()
	if !s.caps.Workspace.Configuration {
		s.mu.Unlock()
		return
	}
	s.settingsPullSeq++
	seq := s.settingsPullSeq
	s.mu.Unlock()

	var result []json.RawMessage
	params := protocol.ConfigurationParams{Items: []protocol.ConfigurationItem{{Section: settingsSection}}}
	if err := s.callClient(ctx, protocol.MethodWorkspaceConfiguration, params, &result); err != nil {
		s.clientCallFailed("workspace/configuration failed; keeping the current settings", err)
		return
	}
	s.mu.Lock()
	if seq != s.settingsPullSeq {
		// A newer pull is under way; its answer wins.
		s.mu.Unlock()
		return
	}
	base := s.initSettings
	s.mu.Unlock()
	st := base
	var warnings []string
	if len(result) > 0 {
		st, warnings = mergeSettings(base, result[0])
	}
	s.applySettings(st, warnings)
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
		s.background(func() { s.pullSettings(s.ctx) })
		return
	}
	raw, _ := json.Marshal(pushed)
	st, warnings := mergeSettings(base, raw)
	s.applySettings(st, warnings)
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
