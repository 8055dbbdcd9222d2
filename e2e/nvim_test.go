package e2e

import (
	"context"
	"encoding/json"
	"fmt"
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
	RootDir        string   `json:"root_dir"`
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
	res := runNvim(t, nvim, ws, "flake.nix", filepath.Join(repoRoot, "editors", "neovim", "init-0.7.lua"))
	checkNeovimSession(t, ws, res)
}

// TestNeovimReadmeSnippets runs the README's Neovim snippets, read from
// README.md, through the same session: each on the Neovim versions it
// claims, when the installed one is among them, else only compiled. Neovim
// starts in a directory with a flake.nix of its own and opens the
// workspace's by absolute path, so a root found from the current directory
// instead of the file's shows.
func TestNeovimReadmeSnippets(t *testing.T) {
	nvim := needTool(t, "nvim")
	installed := nvimVersion(t, nvim)
	for _, min := range []string{"0.7", "0.8"} {
		t.Run("nvim-"+min, func(t *testing.T) {
			snippet := filepath.Join(t.TempDir(), "snippet.lua")
			if err := os.WriteFile(snippet, []byte(readmeSnippet(t, "<!-- nvim-snippet "+min+" -->", "lua")), 0o644); err != nil {
				t.Fatal(err)
			}
			if !versionAtLeast(installed, min) {
				compileLua(t, nvim, snippet)
				t.Logf("Neovim %s is older than %s: the snippet was compiled, not run", installed, min)
				return
			}
			ws := t.TempDir()
			writeFiles(t, ws, map[string]string{"flake.nix": conflictFlake})
			cwd := t.TempDir()
			writeFiles(t, cwd, map[string]string{"flake.nix": "{ }\n"})
			res := runNvim(t, nvim, cwd, filepath.Join(ws, "flake.nix"), snippet)
			checkNeovimSession(t, ws, res)
			if res.RootDir != ws {
				t.Errorf("root_dir %q, want the file's project %q (not the current directory)", res.RootDir, ws)
			}
		})
	}
}

// checkNeovimSession checks what nvim-e2e.lua recorded for conflictFlake,
// opened from the workspace ws.
func checkNeovimSession(t *testing.T, ws string, res nvimResult) {
	t.Helper()
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
	// The preferred fix keeps the most of the configuration: both imports
	// stay, and the system's own inline module turns the guest role off.
	if !strings.HasPrefix(res.Preferred, "Set microvm.guest.enable = false") {
		t.Errorf("preferred fix %q (of %q)", res.Preferred, res.Actions)
	}
	want := strings.Replace(conflictFlake, "          networking.hostName = \"server\";\n",
		"          networking.hostName = \"server\";\n          microvm.guest.enable = false;\n", 1)
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

// runNvim opens file (relative to cwd, or absolute) in headless Neovim with
// the configuration snippet and the test script, and returns what the
// script recorded. The binary under test is on PATH as microvm-lsp.
func runNvim(t *testing.T, nvim, cwd, file, snippet string) nvimResult {
	t.Helper()
	resultPath := filepath.Join(t.TempDir(), "result.json")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "--clean", "-u", filepath.Join(repoRoot, "e2e", "testdata", "nvim-e2e.lua"), file)
	cmd.Dir = cwd
	home := t.TempDir() // keeps lsp.log and shada out of the real home
	cmd.Env = append(os.Environ(),
		"PATH="+serverOnPath(t),
		"MICROVM_LSP_BIN="+serverBin,
		"MICROVM_LSP_SNIPPET="+snippet,
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

// nvimVersion is the installed Neovim's version, such as "0.7.2".
func nvimVersion(t *testing.T, nvim string) string {
	t.Helper()
	out, err := exec.Command(nvim, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	v, ok := strings.CutPrefix(strings.TrimSpace(first), "NVIM v")
	if !ok {
		t.Fatalf("nvim --version: %q", first)
	}
	return v
}

// versionAtLeast compares dotted versions numerically ("0.10.1" >= "0.8");
// a pre-release suffix ("0.11.0-dev") is ignored.
func versionAtLeast(have, want string) bool {
	h, w := strings.Split(have, "."), strings.Split(want, ".")
	for i := range w {
		var a, b int
		if i < len(h) {
			fmt.Sscanf(h[i], "%d", &a)
		}
		fmt.Sscanf(w[i], "%d", &b)
		if a != b {
			return a > b
		}
	}
	return true
}

// compileLua checks that Neovim's Lua accepts the file's syntax.
func compileLua(t *testing.T, nvim, file string) {
	t.Helper()
	cmd := exec.Command(nvim, "--headless", "--clean", "-u", "NONE",
		"-c", `lua local ok, err = loadfile(os.getenv("MICROVM_LSP_SNIPPET")); if not ok then io.stderr:write(err .. "\n"); vim.cmd("cquit 1") end`,
		"-c", "qall!")
	cmd.Env = append(os.Environ(), "MICROVM_LSP_SNIPPET="+file, "HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("the snippet does not compile: %v\n%s", err, out)
	}
}
