package ide_e2e

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

const timeout = 20 * time.Second

// buildBinary builds microvm-lsp into a temporary directory, unless
// $MICROVM_LSP_E2E_BIN names one (make test builds it once for every package).
func buildBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("MICROVM_LSP_E2E_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "microvm-lsp")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/microvm-lsp/microvm-lsp/cmd/microvm-lsp")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

type pipeRWC struct {
	io.ReadCloser
	io.WriteCloser
}

func (p pipeRWC) Close() error {
	err := p.WriteCloser.Close()
	if err2 := p.ReadCloser.Close(); err == nil {
		err = err2
	}
	return err
}

// client is an editor connected to a running microvm-lsp.
type client struct {
	t    *testing.T
	conn jsonrpc2.Conn
	cmd  *exec.Cmd
}

func startServer(t *testing.T, root string) *client {
	t.Helper()
	bin := buildBinary(t)
	cmd := exec.Command(bin)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	conn := jsonrpc2.NewConn(jsonrpc2.NewStream(pipeRWC{stdout, stdin}))
	conn.Go(context.Background(), func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		switch req.Method() {
		case protocol.MethodWorkspaceConfiguration:
			return reply(ctx, []any{nil}, nil)
		case protocol.MethodClientRegisterCapability, protocol.MethodWorkDoneProgressCreate:
			return reply(ctx, nil, nil)
		}
		if _, ok := req.(*jsonrpc2.Call); ok {
			return reply(ctx, nil, jsonrpc2.ErrMethodNotFound)
		}
		return nil
	})
	c := &client{t: t, conn: conn, cmd: cmd}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		conn.Call(ctx, protocol.MethodShutdown, nil, nil)
		conn.Notify(ctx, protocol.MethodExit, nil)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(timeout):
			cmd.Process.Kill()
			t.Error("the server did not exit")
		}
		conn.Close()
	})
	var res map[string]any
	c.call(protocol.MethodInitialize, map[string]any{
		"processId": os.Getpid(),
		"rootUri":   uri.File(root),
		"capabilities": map[string]any{
			"workspace":    map[string]any{"workspaceEdit": map[string]any{"documentChanges": true}, "configuration": true},
			"textDocument": map[string]any{"rename": map[string]any{"prepareSupport": true}},
		},
	}, &res)
	if err := conn.Notify(context.Background(), protocol.MethodInitialized, map[string]any{}); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *client) call(method string, params, result any) {
	c.t.Helper()
	if err := c.callErr(method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) callErr(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, err := c.conn.Call(ctx, method, params, result)
	return err
}

// open opens a file of the workspace in the editor.
func (c *client) open(path string) (protocol.DocumentURI, string) {
	c.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		c.t.Fatal(err)
	}
	u := protocol.DocumentURI(uri.File(path))
	if err := c.conn.Notify(context.Background(), protocol.MethodTextDocumentDidOpen, protocol.DidOpenTextDocumentParams{
		TextDocument: protocol.TextDocumentItem{URI: u, LanguageID: "nix", Version: 1, Text: string(b)},
	}); err != nil {
		c.t.Fatal(err)
	}
	return u, string(b)
}

// at returns the position of the n-th byte of needle's first occurrence in text.
func at(t *testing.T, text, needle string, n int) protocol.Position {
	t.Helper()
	i := strings.Index(text, needle)
	if i < 0 {
		t.Fatalf("%q not in the text", needle)
	}
	off := i + n
	line := strings.Count(text[:off], "\n")
	col := off - strings.LastIndex(text[:off], "\n") - 1
	return protocol.Position{Line: uint32(line), Character: uint32(col)}
}

func tdpp(u protocol.DocumentURI, p protocol.Position) protocol.TextDocumentPositionParams {
	return protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: p}
}

const flake = `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm }:
    let
      /** The system every machine runs on. */
      system = "x86_64-linux";
    in {
      nixosConfigurations.server = nixpkgs.lib.nixosSystem {
        inherit system;
        modules = [
          microvm.nixosModules.host
          ./hosts/server
          {
            microvm.vms.web.config = {
              microvm.hypervisor = "cloud-hypervisor";
            };
          }
        ];
      };
    };
}
`

const server = `{ config, ... }: {
  networking.hostName = "server";
}
`

func workspace(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range map[string]string{"flake.nix": flake, "hosts/server/default.nix": server} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestEditorFeaturesWithRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := workspace(t)
	c := startServer(t, dir)
	u, text := c.open(filepath.Join(dir, "flake.nix"))

	t.Run("hover option", func(t *testing.T) {
		var h protocol.Hover
		c.call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: tdpp(u, at(t, text, "hypervisor =", 3))}, &h)
		if !strings.Contains(h.Contents.Value, "microvm.hypervisor") || !strings.Contains(h.Contents.Value, "firecracker") {
			t.Errorf("hover: %q", h.Contents.Value)
		}
	})
	t.Run("hover module", func(t *testing.T) {
		var h protocol.Hover
		c.call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: tdpp(u, at(t, text, "nixosModules.host", 14))}, &h)
		if !strings.Contains(h.Contents.Value, "host") {
			t.Errorf("hover: %q", h.Contents.Value)
		}
	})
	t.Run("hover variable doc", func(t *testing.T) {
		var h protocol.Hover
		c.call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: tdpp(u, at(t, text, "inherit system", 9))}, &h)
		if !strings.Contains(h.Contents.Value, "The system every machine runs on.") {
			t.Errorf("hover: %q", h.Contents.Value)
		}
	})
	t.Run("completion enum", func(t *testing.T) {
		var list protocol.CompletionList
		c.call(protocol.MethodTextDocumentCompletion, protocol.CompletionParams{TextDocumentPositionParams: tdpp(u, at(t, text, `"cloud-hypervisor"`, 1))}, &list)
		var labels []string
		for _, it := range list.Items {
			labels = append(labels, it.Label)
		}
		if !strings.Contains(strings.Join(labels, " "), "firecracker") {
			t.Errorf("completion: %v", labels)
		}
	})
	t.Run("definition of a path", func(t *testing.T) {
		var locs []protocol.Location
		c.call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: tdpp(u, at(t, text, "./hosts/server", 4))}, &locs)
		if len(locs) != 1 || !strings.HasSuffix(string(locs[0].URI), "hosts/server/default.nix") {
			t.Errorf("definition: %+v", locs)
		}
	})
	t.Run("definition of a variable", func(t *testing.T) {
		var locs []protocol.Location
		c.call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: tdpp(u, at(t, text, "nixpkgs.lib", 2))}, &locs)
		want := at(t, text, "nixpkgs, microvm", 0)
		if len(locs) != 1 || locs[0].URI != u || locs[0].Range.Start != want {
			t.Errorf("definition: %+v, want %+v", locs, want)
		}
	})
	t.Run("rename", func(t *testing.T) {
		var r protocol.Range
		c.call(protocol.MethodTextDocumentPrepareRename, protocol.PrepareRenameParams{TextDocumentPositionParams: tdpp(u, at(t, text, "microvm }", 2))}, &r)
		if r.Start != at(t, text, "microvm }", 0) {
			t.Errorf("prepareRename: %+v", r)
		}
		var edit protocol.WorkspaceEdit
		c.call(protocol.MethodTextDocumentRename, protocol.RenameParams{TextDocumentPositionParams: tdpp(u, at(t, text, "microvm }", 2)), NewName: "mvm"}, &edit)
		b, _ := json.Marshal(edit)
		if len(edit.DocumentChanges) != 1 || len(edit.DocumentChanges[0].Edits) != 2 {
			t.Errorf("rename: %s", b)
		}
		// a keyword is refused with a message
		err := c.callErr(protocol.MethodTextDocumentRename, protocol.RenameParams{TextDocumentPositionParams: tdpp(u, at(t, text, "microvm }", 2)), NewName: "let"}, &edit)
		if err == nil || !strings.Contains(err.Error(), "keyword") {
			t.Errorf("rename to a keyword: %v", err)
		}
	})
}

const modulesFlake = `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm, ... }@inputs: {
    nixosModules.web = ./modules/web.nix;
    nixosConfigurations.box = nixpkgs.lib.nixosSystem {
      specialArgs = { inherit inputs; };
      modules = [
        self.nixosModules.web
        ./hosts/box.nix
      ];
    };
  };
}
`

const boxHost = `{ inputs, ... }: {
  imports = [ inputs.self.nixosModules.web ];
}
`

// TestDefinitionOfModuleElementWithRealBinary follows module elements
// through the module graph: self.nixosModules.web and
// inputs.self.nixosModules.web lead to modules/web.nix, a file the editor
// has not opened.
func TestDefinitionOfModuleElementWithRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	for name, text := range map[string]string{"flake.nix": modulesFlake, "hosts/box.nix": boxHost, "modules/web.nix": "{ ... }: { services.nginx.enable = true; }\n"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := startServer(t, dir)
	fu, ftext := c.open(filepath.Join(dir, "flake.nix"))
	hu, htext := c.open(filepath.Join(dir, "hosts/box.nix"))
	want := string(uri.File(filepath.Join(dir, "modules/web.nix")))
	for _, tc := range []struct {
		name string
		u    protocol.DocumentURI
		pos  protocol.Position
	}{
		{"self", fu, at(t, ftext, "self.nixosModules.web\n", 19)},
		{"inputs.self", hu, at(t, htext, "inputs.self.nixosModules.web", 26)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// the workspace index reads modules/web.nix from disk meanwhile
			var locs []protocol.Location
			for deadline := time.Now().Add(timeout); ; time.Sleep(50 * time.Millisecond) {
				c.call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: tdpp(tc.u, tc.pos)}, &locs)
				if len(locs) == 1 && string(locs[0].URI) == want || time.Now().After(deadline) {
					break
				}
			}
			if len(locs) != 1 || string(locs[0].URI) != want || locs[0].Range.Start.Line != 0 {
				t.Errorf("definition: %+v, want %s", locs, want)
			}
		})
	}
}
