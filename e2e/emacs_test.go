package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// emacsResult is what testdata/emacs-e2e.el writes.
type emacsResult struct {
	OK        bool     `json:"ok"`
	Error     string   `json:"error"`
	Steps     []string `json:"steps"`
	Client    string   `json:"client"`
	MajorMode string   `json:"major_mode"`
	Server    string   `json:"server"`
	Command   string   `json:"command"`
	Line      int      `json:"line"`
	Column    int      `json:"column"`
	Message   string   `json:"message"`
	Severity  string   `json:"severity"`
}

// TestEmacsEglot loads editors/emacs/microvm-lsp-eglot.el into Emacs with
// Eglot (Debian's emacs-nox and elpa-eglot), opens a flake with both roles,
// and expects the role-conflict diagnostic from the real binary, at the
// severity the documented settings ask for.
func TestEmacsEglot(t *testing.T) {
	res := runEmacs(t, "eglot", "microvm-lsp-eglot.el")
	if res.Command != "microvm-lsp serve" {
		t.Errorf("eglot ran %q, want microvm-lsp serve", res.Command)
	}
	if res.Severity != "eglot-warning" {
		t.Errorf("flymake type %q, want eglot-warning (role-conflict set to warning through eglot-workspace-configuration)", res.Severity)
	}
}

// TestEmacsLspMode does the same with lsp-mode (Debian's elpa-lsp-mode) and
// editors/emacs/microvm-lsp-lsp-mode.el.
func TestEmacsLspMode(t *testing.T) {
	res := runEmacs(t, "lsp-mode", "microvm-lsp-lsp-mode.el")
	if res.Severity != "warning" {
		t.Errorf("severity %q, want warning (role-conflict set to warning through microvm-lsp-severity)", res.Severity)
	}
}

func runEmacs(t *testing.T, client, config string) emacsResult {
	t.Helper()
	emacs := needTool(t, "emacs")
	ws := t.TempDir()
	// A .git directory makes ws the project root for both clients.
	writeFiles(t, ws, map[string]string{"flake.nix": conflictFlake, ".git/HEAD": "ref: refs/heads/main\n"})
	home := t.TempDir()
	resultPath := filepath.Join(t.TempDir(), "result.json")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, emacs, "--batch", "-l", filepath.Join(repoRoot, "e2e", "testdata", "emacs-e2e.el"))
	cmd.Dir = t.TempDir() // not the workspace: the root must come from the file
	cmd.Env = append(os.Environ(),
		"PATH="+serverOnPath(t),
		"HOME="+home,
		"MICROVM_LSP_EMACS_CONFIG="+filepath.Join(repoRoot, "editors", "emacs", config),
		"MICROVM_LSP_EMACS_CLIENT="+client,
		"MICROVM_LSP_FILE="+filepath.Join(ws, "flake.nix"),
		"MICROVM_LSP_RESULT="+resultPath,
	)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("emacs timed out:\n%s", out)
	}
	if err != nil {
		t.Fatalf("emacs: %v\n%s", err, out)
	}
	b, err := os.ReadFile(resultPath)
	if err != nil {
		t.Fatalf("emacs wrote no result (%v); output:\n%s", err, out)
	}
	var res emacsResult
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("result %s: %v", b, err)
	}
	if !res.OK {
		if strings.Contains(res.Error, "Cannot open load file") && os.Getenv("CI") != "true" {
			t.Skipf("%s is not installed (Debian: elpa-%s): %s", client, client, res.Error)
		}
		t.Fatalf("the Emacs session failed after steps %v: %s\noutput:\n%s", res.Steps, res.Error, out)
	}
	if res.Client != client || res.MajorMode != "nix-mode" || res.Server != "microvm-lsp" {
		t.Errorf("client %q, major mode %q, server %q; want %s, nix-mode, microvm-lsp", res.Client, res.MajorMode, res.Server, client)
	}
	if res.Line != 9 || res.Column != 8 {
		t.Errorf("diagnostic at %d:%d (0-based), want 9:8, the guest module import", res.Line, res.Column)
	}
	if !strings.Contains(res.Message, "microvm.nixosModules.host") {
		t.Errorf("message %q does not name the host module", res.Message)
	}
	return res
}

// serverOnPath returns $PATH with a directory in front that holds the
// binary under test as microvm-lsp, the name the editor configurations run.
func serverOnPath(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Symlink(serverBin, filepath.Join(dir, "microvm-lsp")); err != nil {
		t.Fatal(err)
	}
	return dir + string(os.PathListSeparator) + os.Getenv("PATH")
}
