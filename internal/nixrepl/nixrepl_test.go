package nixrepl

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"testing"
)

// TestAnswers: each input's answer is what Nix printed for it, an input
// that reads on into the next has none, and errors carry where they are.
func TestAnswers(t *testing.T) {
	if _, err := exec.LookPath("nix"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("nix is not installed (Debian package nix-bin); this test needs it in CI")
		}
		t.Skip("nix not installed (apt-get install nix-bin)")
	}
	inputs := []string{"1 + 1", "x: y", "{ a = 1;", "\"done\"", "let\n  b = 2;\nin b"}
	got, err := Answers(context.Background(), t.TempDir(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(got[0], "2") {
		t.Errorf("1 + 1: %q", got[0])
	}
	if errs := Errors(got[1]); len(errs) != 1 || errs[0].Msg != "undefined variable 'y'" || errs[0].At != "at «string»:1:4" {
		t.Errorf("x: y: %+v", errs)
	}
	// The open set reads the marker after it as its next line, and the
	// next input too: neither answer can be told apart.
	if got[2] != nil || got[3] != nil {
		t.Errorf("an input read on into the next has answers %q and %q", got[2], got[3])
	}
	if got[4] == nil || !slices.Contains(got[4], "2") {
		t.Errorf("let over three lines: %q", got[4])
	}
}
