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

// conflictFlake is issue #4's reproduction: one nixosSystem with both
// microvm.nix roles, and a grub setting the guest module would switch off.
const conflictFlake = `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.microvm.url = "github:microvm-nix/microvm.nix";

  outputs = { self, nixpkgs, microvm }: {
    nixosConfigurations.server = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [
        microvm.nixosModules.host
        microvm.nixosModules.microvm
        {
          boot.loader.grub.device = "/dev/sda";
          networking.hostName = "server";
        }
      ];
    };
  };
}
`

// nvimResult is what testdata/nvim-e2e.lua writes.
type nvimResult struct {
	OK             bool     `json:"ok"`
	Error          string   `json:"error"`
	Steps          []string `json:"steps"`
	Filetype       string   `json:"filetype"`
	Client         string   `json:"client"`
	OffsetEncoding string   `json:"offset_encoding"`
	Attached       bool     `json:"attached"`
	Diagnostic     struct {
		Lnum    int    `json:"lnum"`
		Col     int    `json:"col"`
		Message string `json:"message"`
		Source  string `json:"source"`
	} `json:"diagnostic"`
	LineBefore  string   `json:"line_before"`
	Actions     []string `json:"actions"`
	Preferred   string   `json:"preferred"`
	LineAfter   string   `json:"line_after"`
	BufferAfter string   `json:"buffer_after"`
	Cleared     bool     `json:"cleared"`
}

// TestNeovimQuickFix is issue #4 end to end: Neovim 0.7's built-in client,
// configured by editors/neovim/init-0.7.lua (the file users copy), starts
// the server, shows the role-conflict diagnostic, applies the preferred
// quick fix, and sees the diagnostic go away.
func TestNeovimQuickFix(t *testing.T) {
	nvim := needTool(t, "nvim")
	ws := t.TempDir()
	writeFiles(t, ws, map[string]string{"flake.nix": conflictFlake})
	res := runNvim(t, nvim, ws, "flake.nix")

	if !res.OK {
		t.Fatalf("the Neovim session failed after steps %v:\n%s", res.Steps, res.Error)
	}
	if res.Filetype != "nix" || res.Client != "microvm_lsp" || !res.Attached {
		t.Errorf("filetype %q, client %q, attached %v; want nix, microvm_lsp, true", res.Filetype, res.Client, res.Attached)
	}
	if res.Diagnostic.Lnum != 9 || res.Diagnostic.Col != 8 {
		t.Errorf("diagnostic at %d:%d (0-based), want 9:8, the guest module import", res.Diagnostic.Lnum, res.Diagnostic.Col)
	}
	if res.Diagnostic.Source != "microvm-lsp" || !strings.Contains(res.Diagnostic.Message, "microvm.nixosModules.host") {
		t.Errorf("diagnostic source %q message %q", res.Diagnostic.Source, res.Diagnostic.Message)
	}
	if !strings.Contains(res.LineBefore, "nixosModules.microvm") {
		t.Errorf("diagnostic line before the fix is %q; want the guest import", res.LineBefore)
	}
	if !strings.HasPrefix(res.Preferred, "Remove the import of microvm.nixosModules.microvm") {
		t.Errorf("preferred fix %q (of %q)", res.Preferred, res.Actions)
	}
	if strings.Contains(res.LineAfter, "nixosModules.microvm") {
		t.Errorf("line %d still imports the guest module after the fix: %q", res.Diagnostic.Lnum, res.LineAfter)
	}
	want := strings.Replace(conflictFlake, "        microvm.nixosModules.microvm\n", "", 1)
	if got := res.BufferAfter + "\n"; got != want {
		t.Errorf("buffer after the fix:\n%s\nwant:\n%s", got, want)
	}
	if !res.Cleared {
		t.Errorf("the diagnostic did not clear")
	}
	// The server proposes edits; it never writes files, and Neovim did not save.
	if b, err := os.ReadFile(filepath.Join(ws, "flake.nix")); err != nil || string(b) != conflictFlake {
		t.Errorf("flake.nix on disk changed (err %v)", err)
	}
}

// runNvim opens file (relative to ws) in headless Neovim with the snippet
// from editors/neovim and the test script, and returns what the script
// recorded.
func runNvim(t *testing.T, nvim, ws, file string) nvimResult {
	t.Helper()
	resultPath := filepath.Join(t.TempDir(), "result.json")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "--clean", "-u", filepath.Join(repoRoot, "e2e", "testdata", "nvim-e2e.lua"), file)
	cmd.Dir = ws
	home := t.TempDir() // keeps lsp.log and shada out of the real home
	cmd.Env = append(os.Environ(),
		"MICROVM_LSP_BIN="+serverBin,
		"MICROVM_LSP_SNIPPET="+filepath.Join(repoRoot, "editors", "neovim", "init-0.7.lua"),
		"MICROVM_LSP_RESULT="+resultPath,
		"HOME="+home,
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"XDG_STATE_HOME="+filepath.Join(home, ".local", "state"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
	)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("nvim timed out:\n%s", out)
	}
	if err != nil {
		t.Fatalf("nvim: %v\n%s", err, out)
	}
	b, err := os.ReadFile(resultPath)
	if err != nil {
		t.Fatalf("nvim wrote no result (%v); output:\n%s\nlsp.log:\n%s", err, out, readLSPLog(home))
	}
	var res nvimResult
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("result %s: %v", b, err)
	}
	if !res.OK {
		t.Logf("nvim output:\n%s\nlsp.log:\n%s", out, readLSPLog(home))
	}
	return res
}

func readLSPLog(home string) string {
	for _, p := range []string{".cache/nvim/lsp.log", ".local/state/nvim/lsp.log"} {
		if b, err := os.ReadFile(filepath.Join(home, p)); err == nil {
			return string(b)
		}
	}
	return "(none)"
}
