package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"testing"
	"time"
)

// frame encodes one JSON-RPC message with LSP's Content-Length header.
func frame(t *testing.T, msg map[string]any) []byte {
	t.Helper()
	msg["jsonrpc"] = "2.0"
	b, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(fmt.Sprintf("Content-Length: %d\r\n\r\n", len(b))), b...)
}

// TestExitRightBehindShutdown runs the binary as a client that sends exit
// without waiting for shutdown's reply, 50 times: every run must exit 0 (LSP:
// 0 when shutdown came first). stdin stays open until the process exits, so
// only the exit notification can end it.
func TestExitRightBehindShutdown(t *testing.T) {
	var session []byte
	session = append(session, frame(t, map[string]any{"id": 1, "method": "initialize",
		"params": map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}})...)
	session = append(session, frame(t, map[string]any{"method": "initialized", "params": map[string]any{}})...)
	session = append(session, frame(t, map[string]any{"id": 2, "method": "shutdown"})...)
	session = append(session, frame(t, map[string]any{"method": "exit"})...)

	const runs = 50
	for i := range runs {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		cmd := exec.CommandContext(ctx, serverBin)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout = io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if _, err := stdin.Write(session); err != nil {
			t.Fatal(err)
		}
		err = cmd.Wait()
		stdin.Close()
		timedOut := ctx.Err() != nil
		cancel()
		if timedOut {
			t.Fatalf("run %d: the server did not exit after exit", i+1)
		}
		if err != nil {
			t.Fatalf("run %d of %d: %v, want exit code 0 (shutdown was sent before exit)", i+1, runs, err)
		}
	}
}
