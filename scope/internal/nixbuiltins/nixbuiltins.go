// Package nixbuiltins asks the installed Nix for its builtins and global
// names: the generator of scope's table and the test that compares the
// table with Nix both read Nix through it. It runs nix; the language server
// never does.
package nixbuiltins

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
)

// Features are the experimental features whose builtins the table holds:
// a flake user's Nix has them.
const Features = "nix-command flakes fetch-closure"

// Builtin is what Nix tells of one builtin.
type Builtin struct {
	Name         string
	Args         []string // from Nix's documentation; nil where it has none
	Arity        int      // 0 for a constant
	Global       bool     // a global name as Name, else as "__"+Name
	Experimental bool     // present only with one of Features
}

// Table is the builtins of the installed Nix, sorted by name.
type Table struct {
	Version  string
	Builtins []Builtin
}

// Env returns the environment nix runs in: no daemon, a scratch HOME.
func Env(home string) []string {
	return append(os.Environ(), "NIX_REMOTE=", "HOME="+home, "NIX_PATH=", "NO_COLOR=1")
}

func run(home string, stdin string, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = Env(home)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.Bytes(), fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes(), nil
}

func evalJSON(home string, features bool, expr string, v any) error {
	args := []string{"--eval", "--strict", "--json", "-E", expr}
	if features {
		args = append([]string{"--extra-experimental-features", Features}, args...)
	}
	out, err := run(home, "", "nix-instantiate", args...)
	if err != nil {
		return err
	}
	return json.Unmarshal(out, v)
}

var replResult = regexp.MustCompile(`^"@([AG]) (\S+)(?: (\d+) (\S+))?"$`)

// Query asks the installed Nix (nix, nix-instantiate) for its builtins.
// Builtins and their arguments come from `nix __dump-builtins`, the names
// from builtins itself, and which names are global from the parser: in
// one `nix repl` session, NAME is global when `(_: null) NAME` parses
// (the repl goes on after an undefined variable, where nix-instantiate
// stops). An undocumented builtin's arity is the number of null arguments
// after which it is no longer a function.
func Query(home string) (*Table, error) {
	ver, err := run(home, "", "nix", "--version")
	if err != nil {
		return nil, err
	}
	t := &Table{Version: strings.TrimSpace(string(ver))}
	dumpOut, err := run(home, "", "nix", "__dump-builtins")
	if err != nil {
		return nil, err
	}
	var dump map[string]struct {
		Args  []string `json:"args"`
		Arity int      `json:"arity"`
	}
	if err := json.Unmarshal(dumpOut, &dump); err != nil {
		return nil, fmt.Errorf("nix __dump-builtins: %v", err)
	}
	var plain, all []string
	if err := evalJSON(home, false, "builtins.attrNames builtins", &plain); err != nil {
		return nil, err
	}
	if err := evalJSON(home, true, "builtins.attrNames builtins", &all); err != nil {
		return nil, err
	}
	var types []string
	if err := evalJSON(home, true, "map (n: builtins.typeOf builtins.${n}) (builtins.attrNames builtins)", &types); err != nil {
		return nil, err
	}
	if len(types) != len(all) {
		return nil, fmt.Errorf("%d types for %d builtins", len(types), len(all))
	}
	inPlain := map[string]bool{}
	for _, n := range plain {
		inPlain[n] = true
	}
	const maxArity = 4
	var script strings.Builder
	for i, n := range all {
		fmt.Fprintf(&script, "(_: \"@G %s\") %s\n(_: \"@G __%s\") __%s\n", n, n, n, n)
		if _, documented := dump[n]; documented || types[i] != "lambda" {
			continue
		}
		for k := 1; k <= maxArity; k++ {
			fmt.Fprintf(&script, "\"@A %s %d \" + builtins.typeOf (builtins.%s%s)\n", n, k, quoteName(n), strings.Repeat(" null", k))
		}
	}
	out, err := run(home, script.String(), "nix", "--extra-experimental-features", Features, "repl")
	if err != nil {
		return nil, err
	}
	global := map[string]bool{}
	stillFn := map[string]map[int]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(stripANSI(line))
		m := replResult.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if m[1] == "G" {
			global[m[2]] = true
			continue
		}
		if m[4] == "lambda" {
			if stillFn[m[2]] == nil {
				stillFn[m[2]] = map[int]bool{}
			}
			var k int
			fmt.Sscan(m[3], &k)
			stillFn[m[2]][k] = true
		}
	}
	for i, n := range all {
		b := Builtin{Name: n, Experimental: !inPlain[n]}
		switch {
		case global[n] && global["__"+n] && n != "builtins":
			return nil, fmt.Errorf("both %s and __%s are global", n, n)
		case global[n]:
			b.Global = true
		case !global["__"+n]:
			return nil, fmt.Errorf("neither %s nor __%s is global", n, n)
		}
		if d, ok := dump[n]; ok {
			b.Args, b.Arity = d.Args, d.Arity
		} else if types[i] == "lambda" {
			b.Arity = 1
			for stillFn[n][b.Arity] && b.Arity < maxArity {
				b.Arity++
			}
		}
		t.Builtins = append(t.Builtins, b)
	}
	for n := range dump {
		if !contains(all, n) {
			return nil, fmt.Errorf("%s is documented but not in builtins", n)
		}
	}
	sort.Slice(t.Builtins, func(i, j int) bool { return t.Builtins[i].Name < t.Builtins[j].Name })
	return t, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// quoteName writes a builtin's name as an attribute: foldl' needs quotes.
func quoteName(n string) string {
	if strings.ContainsAny(n, "'-") {
		return `"` + n + `"`
	}
	return n
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func stripANSI(s string) string { return ansi.ReplaceAllString(s, "") }
