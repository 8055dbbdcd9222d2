//go:build unix

package optindex

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestImportsOfDevices: a module may import any path, and the index read
// /dev/zero until memory ran out, and a FIFO forever. Only regular files
// are read: the build returns with the module's own options.
func TestImportsOfDevices(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.nix"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := "{ lib, ... }: {\n  imports = [ /dev/zero ./fifo.nix ];\n  options.ok = lib.mkOption { type = lib.types.bool; };\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "m.nix"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan *Index, 1)
	go func() {
		ix, err := Build(dir, []string{"m.nix"})
		if err != nil {
			t.Error(err)
		}
		done <- ix
	}()
	select {
	case ix := <-done:
		if ix == nil || len(ix.Options) != 1 || ix.Options[0].Name != "ok" {
			t.Errorf("options %v, want ok", ix)
		}
	case <-time.After(time.Minute): // at once when neither is read
		t.Fatal("the index was not built")
	}
}
