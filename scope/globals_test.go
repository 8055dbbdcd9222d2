package scope

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/scope/internal/nixbuiltins"
)

// TestTableMatchesNix asks the installed Nix for its builtins and global
// names and compares them with the generated table. After a Nix upgrade,
// `go generate ./scope` writes the table again.
func TestTableMatchesNix(t *testing.T) {
	needNix(t, "nix", "nix-instantiate")
	home := t.TempDir()
	got, err := nixbuiltins.Query(home)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != nixVersion {
		t.Logf("the table is from %s; the installed Nix is %s", nixVersion, got.Version)
	}
	if len(got.Builtins) != len(builtinTable) {
		t.Errorf("Nix has %d builtins, the table %d", len(got.Builtins), len(builtinTable))
	}
	for _, nb := range got.Builtins {
		b, ok := LookupBuiltin(nb.Name)
		if !ok {
			t.Errorf("builtins.%s is missing from the table", nb.Name)
			continue
		}
		want := Builtin{Name: nb.Name, Args: nb.Args, Arity: nb.Arity, Global: nb.Global, Experimental: nb.Experimental}
		if !reflect.DeepEqual(b, want) {
			t.Errorf("table %+v, Nix %+v", b, want)
		}
	}
	// The parser itself accepts every global name in one file.
	var src strings.Builder
	src.WriteString("[\n")
	for _, n := range Globals() {
		src.WriteString("  " + n + "\n")
	}
	src.WriteString("]\n")
	file := filepath.Join(t.TempDir(), "globals.nix")
	if err := os.WriteFile(file, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("nix-instantiate", "--extra-experimental-features", nixbuiltins.Features, "--parse", file)
	cmd.Env = nixbuiltins.Env(home)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("nix-instantiate --parse rejects the global names: %s", out)
	}
}

func TestGlobals(t *testing.T) {
	for name, want := range map[string]bool{
		"map": true, "builtins": true, "true": true, "__add": true, "fetchTarball": true, "import": true,
		"fetchurl": false, "add": false, "__map": false, "__nonsense": false, "lib": false, "__curPos": false,
	} {
		if IsGlobal(name) != want {
			t.Errorf("IsGlobal(%q) = %t", name, !want)
		}
	}
	if b, ok := LookupBuiltin("foldl'"); !ok || b.Arity != 3 || b.Global {
		t.Errorf("foldl': %+v", b)
	}
}
