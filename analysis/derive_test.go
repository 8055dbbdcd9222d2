package analysis

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// deriveSnippets are lines an edit inserts: each touches something the
// analysis derives state from (options set and declared, module imports,
// systems, suppression comments, names of other flakes' modules, broken
// syntax).
var deriveSnippets = []string{
	"  microvm.vcpu = 2;\n",
	"  microvm.hypervisor = \"qemu\";\n",
	"  microvm.mem = \"lots\";\n",
	"  microvm.notAnOption = true;\n",
	"  imports = [ inputs.microvm.nixosModules.microvm ];\n",
	"  imports = [ microvm.nixosModules.host ./missing.nix ];\n",
	"  options.microvm.notAnOption = lib.mkOption { };\n",
	"  options.services.mine.enable = lib.mkEnableOption \"mine\";\n",
	"  microvm.vms.g = { config = { microvm.mem = 512; }; };\n",
	"  microvm.autostart = [ \"g\" ];\n",
	"  # microvm-lsp: ignore unknown-option\n",
	"  hm = inputs.other.homeManagerModules.a;\n",
	"  unused = let y = 1; in 2;\n",
	"  x = ",
	"}\n",
	"  a = 1;\n  a = 2;\n",
}

// TestDerivedAnalysisMatchesFresh applies random edits to every fixture,
// one version after another through one Cache (told what changed, as the
// server tells it, or left to compare), and checks that each version's
// findings, systems and roles equal those of a fresh analysis that runs
// the graph checks on all systems at once, and that every file whose
// findings moved is among those the analysis says changed.
func TestDerivedAnalysisMatchesFresh(t *testing.T) {
	fixtures, _ := filepath.Glob("../testdata/analysis/*.txtar")
	if len(fixtures) == 0 {
		t.Fatal("no fixtures")
	}
	steps := 10
	if testing.Short() {
		steps = 4
	}
	// Every other fixture's graphs built in place make a map of roots of
	// their own at once; the others keep the last graph's with their
	// scans beside it.
	defer func(v int) { maxRootsOver = v }(maxRootsOver)
	derived, inPlace, inPlaceOwn := 0, 0, 0
	for i, fx := range fixtures {
		seed := int64(i + 1)
		ws, _ := loadFixture(t, fx)
		maxRootsOver = 64
		if i%2 == 1 {
			maxRootsOver = 0
		}
		n, m, err := deriveSequenceCount(ws, rand.New(rand.NewSource(seed)), steps)
		if err != nil {
			t.Errorf("%s (seed %d): %v", filepath.Base(fx), seed, err)
		}
		derived += n
		if i%2 == 1 {
			inPlaceOwn += m
		} else {
			inPlace += m
		}
	}
	if derived == 0 {
		t.Error("no graph derived its components from the last one's: the derivation went untested")
	}
	if inPlace == 0 || inPlaceOwn == 0 {
		t.Errorf("graphs built in place of the last one: %d beside its roots, %d with roots of their own: rebuildInPlace went untested", inPlace, inPlaceOwn)
	}
}

// deriveSequence runs steps random versions of ws through one Cache.
func deriveSequence(ws *Workspace, rnd *rand.Rand, steps int) error {
	_, _, err := deriveSequenceCount(ws, rnd, steps)
	return err
}

// deriveSequenceCount is deriveSequence, and says how many graphs derived
// their components from the last one's, and how many were built in place
// of the last one.
func deriveSequenceCount(ws *Workspace, rnd *rand.Rand, steps int) (derivedComps, inPlace int, err error) {
	orig := ws.Files
	c := NewCache()
	files := ws.Files
	prevFresh := map[string]string{}
	with := func(files map[string]*nixast.File, d *Derivation) *Workspace {
		w := withFiles(ws, files)
		w.Derived = d
		return w
	}
	for step := 0; step <= steps; step++ {
		var d *Derivation
		if step > 0 {
			next, changed, what := deriveEdit(files, orig, rnd)
			if rnd.Intn(2) == 0 {
				d = &Derivation{From: files, Changed: changed}
			}
			files = next
			_ = what
		}
		cur := with(files, d)
		if d == nil && rnd.Intn(2) == 0 {
			// As a language server gives it while the user types: the
			// files as first read, with those that changed laid over them.
			cur = with(orig, nil)
			cur.Open = overlay(orig, files)
		}
		g, err := checkDerivedStep(c, cur, with(files, nil), step, prevFresh)
		if err != nil {
			return derivedComps, inPlace, err
		}
		if g != nil {
			if g.derived {
				derivedComps++
			}
			if g.inPlace {
				inPlace++
			}
		}
	}
	return derivedComps, inPlace, nil
}

// withFiles returns a workspace of files with ws's other settings.
func withFiles(ws *Workspace, files map[string]*nixast.File) *Workspace {
	return &Workspace{Files: files, Microvm: ws.Microvm, AbsentInputs: ws.AbsentInputs, Options: ws.Options,
		Exists: ws.Exists, Root: ws.Root}
}

// openVersion returns ws with the file p's text replaced by text: as the
// server gives it (p open over ws's files), and whole.
func openVersion(ws *Workspace, p, text string) (cur, whole *Workspace) {
	files := maps.Clone(ws.Files)
	files[p] = nixast.Parse(p, []byte(text))
	cur = withFiles(ws, ws.Files)
	cur.Open = map[string]*nixast.File{p: files[p]}
	return cur, withFiles(ws, files)
}

// fixtureText loads a fixture written in a test, as loadFixture loads
// one of testdata/analysis.
func fixtureText(t *testing.T, text string) *Workspace {
	t.Helper()
	fx := filepath.Join(t.TempDir(), "fixture.txtar")
	if err := os.WriteFile(fx, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	ws, _ := loadFixture(t, fx)
	return ws
}

// checkDerivedStep analyses cur, a version of a workspace (whole)
// derived from the last one c analysed, and checks that its components
// are those found anew, its findings and systems those of a fresh
// analysis, and that every file whose findings moved since prevFresh (the
// last version's fresh findings by file, updated) is among those the
// analysis says changed. It returns c's graph.
func checkDerivedStep(c *Cache, cur, whole *Workspace, step int, prevFresh map[string]string) (*graph, error) {
	r, err := c.AnalyzeFiles(context.Background(), cur, Config{})
	if err != nil {
		return nil, err
	}
	g := c.graph
	if g != nil {
		// Components derived from the last graph's are those found anew.
		key := func(comps [][]*System) string {
			var b strings.Builder
			for _, c := range comps {
				b.WriteString(componentKey(c) + ";")
			}
			return b.String()
		}
		if got, want := key(g.components()), key(components(g.systems)); got != want {
			return nil, fmt.Errorf("step %d: components %s, found anew %s", step, got, want)
		}
		// A derived component's key is its own, kept or made anew.
		comps, keys := g.componentSet().all()
		for i, comp := range comps {
			if keys[i] != componentKey(comp) {
				return nil, fmt.Errorf("step %d: component %d keyed %q, its key is %q", step, i, keys[i], componentKey(comp))
			}
		}
	}
	got := encode(c.Analyze(whole, Config{}))
	ref := NewCache()
	ref.oneComponent = true
	fresh := ref.Analyze(whole, Config{})
	if want := encode(fresh); got != want {
		return nil, fmt.Errorf("step %d: derived findings differ from a fresh analysis:\n got  %s\n want %s", step, got, want)
	}
	if gs, fs := encode(c.Systems(cur)), encode(Systems(whole)); gs != fs {
		return nil, fmt.Errorf("step %d: derived systems differ from a fresh analysis:\n got  %s\n want %s", step, gs, fs)
	}
	// The files whose findings moved are among those said changed.
	byFile := map[string]string{}
	for _, f := range fresh {
		byFile[f.File] += encode(f)
	}
	changed, all := r.Changed()
	if step > 0 && !all {
		said := map[string]bool{}
		for _, p := range changed {
			said[p] = true
		}
		for p := range unionKeys(byFile, prevFresh) {
			if byFile[p] != prevFresh[p] && !said[p] {
				return nil, fmt.Errorf("step %d: the findings of %s moved, but the analysis says only %v changed", step, p, changed)
			}
		}
	}
	clear(prevFresh)
	maps.Copy(prevFresh, byFile)
	return g, nil
}

// overlay returns the files that files has at other paths or in other
// versions than base, nil where it has none.
func overlay(base, files map[string]*nixast.File) map[string]*nixast.File {
	out := map[string]*nixast.File{}
	for p, f := range files {
		if base[p] != f {
			out[p] = f
		}
	}
	for p := range base {
		if _, ok := files[p]; !ok {
			out[p] = nil
		}
	}
	return out
}

func unionKeys(a, b map[string]string) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// deriveEdit returns files with one random edit, the paths it changed and
// what it did.
func deriveEdit(files, orig map[string]*nixast.File, rnd *rand.Rand) (map[string]*nixast.File, []string, string) {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	next := make(map[string]*nixast.File, len(files)+1)
	for p, f := range files {
		next[p] = f
	}
	p := paths[rnd.Intn(len(paths))]
	src := files[p].Src
	var out []byte
	what := ""
	switch k := rnd.Intn(12); {
	case k < 4: // insert a snippet after a line
		lines := bytes.SplitAfter(src, []byte("\n"))
		at := rnd.Intn(len(lines) + 1)
		out = append(out, bytes.Join(lines[:at], nil)...)
		out = append(out, deriveSnippets[rnd.Intn(len(deriveSnippets))]...)
		out = append(out, bytes.Join(lines[at:], nil)...)
		what = "insert"
	case k < 6: // cut a few bytes
		if len(src) == 0 {
			out = []byte("{ }\n")
			break
		}
		i := rnd.Intn(len(src))
		j := i + 1 + rnd.Intn(40)
		if j > len(src) {
			j = len(src)
		}
		out = append(append(out, src[:i]...), src[j:]...)
		what = "cut"
	case k < 7: // another file's text
		out = append(out, files[paths[rnd.Intn(len(paths))]].Src...)
		what = "copy"
	case k < 8: // back to the original text
		if o := orig[p]; o != nil {
			out = append(out, o.Src...)
		} else {
			out = []byte("{ }\n")
		}
		what = "revert"
	case k < 9: // a new file, or one gone
		if len(paths) > 1 && rnd.Intn(2) == 0 {
			delete(next, p)
			return next, []string{p}, "remove"
		}
		q := fmt.Sprintf("/ws/new%d.nix", rnd.Intn(3))
		next[q] = nixast.Parse(q, []byte("{ lib, ... }: {\n"+deriveSnippets[rnd.Intn(len(deriveSnippets))]+"}\n"))
		return next, []string{q}, "add"
	case k < 10: // the same text again, a new version
		out = append(out, src...)
		what = "same"
	default: // a digit typed over, as in a port or a version: what typing
		// mostly does, and what leaves every closure as it was
		out = append(out, src...)
		if i := bytes.IndexAny(out[len(out)/2:], "0123456789"); i >= 0 {
			out[len(out)/2+i] = '0' + (out[len(out)/2+i]-'0'+1)%10
		}
		what = "digit"
	}
	next[p] = nixast.Parse(p, out)
	return next, []string{p}, what
}

// TestComponentsFollowDeclarations: an option declared in one flake's
// module is no unknown option in another flake's systems, though the two
// share no file: the kept findings of the other component go.
func TestComponentsFollowDeclarations(t *testing.T) {
	flake := func(mod string) string {
		return `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { nixpkgs, microvm, ... }: {
    nixosConfigurations.h = nixpkgs.lib.nixosSystem { modules = [ microvm.nixosModules.microvm ./` + mod + ` ]; };
  };
}
`
	}
	ws := &Workspace{Files: map[string]*nixast.File{}}
	for p, s := range map[string]string{
		"/ws/a/flake.nix": flake("m.nix"), "/ws/a/m.nix": "{ microvm.notAnOption = true; }\n",
		"/ws/b/flake.nix": flake("n.nix"), "/ws/b/n.nix": "{ lib, ... }: { microvm.vcpu = 2; }\n",
	} {
		ws.Files[p] = nixast.Parse(p, []byte(s))
	}
	c := NewCache()
	unknown := func(fs []Finding) int {
		n := 0
		for _, f := range fs {
			if f.Code == CodeUnknownOption && f.File == "/ws/a/m.nix" {
				n++
			}
		}
		return n
	}
	if n := unknown(c.Analyze(ws, Config{})); n != 1 {
		t.Fatalf("before: %d unknown-option findings in a/m.nix, want 1", n)
	}
	files := map[string]*nixast.File{}
	for k, v := range ws.Files {
		files[k] = v
	}
	files["/ws/b/n.nix"] = nixast.Parse("/ws/b/n.nix", []byte("{ lib, ... }: { options.microvm.notAnOption = lib.mkOption { }; config.microvm.vcpu = 2; }\n"))
	next := &Workspace{Files: files, Derived: &Derivation{From: ws.Files, Changed: []string{"/ws/b/n.nix"}}}
	got := c.Analyze(next, Config{})
	if n := unknown(got); n != 0 {
		t.Errorf("after b declares it: %d unknown-option findings in a/m.nix, want 0", n)
	}
	if want := encode(Analyze(&Workspace{Files: files}, Config{})); encode(got) != want {
		t.Errorf("derived analysis differs:\n got  %s\n want %s", encode(got), want)
	}
}

// TestDeclarationsFollowTyping: a module that declares options already and
// is edited to declare another one (the lists of files that may declare
// options stay the same) makes the other flake's use of it known.
func TestDeclarationsFollowTyping(t *testing.T) {
	flake := func(mod string) string {
		return `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { nixpkgs, microvm, ... }: {
    nixosConfigurations.h = nixpkgs.lib.nixosSystem { modules = [ microvm.nixosModules.microvm ./` + mod + ` ]; };
  };
}
`
	}
	files := map[string]*nixast.File{}
	for p, s := range map[string]string{
		"/ws/a/flake.nix": flake("m.nix"), "/ws/a/m.nix": "{ microvm.notAnOption = true; }\n",
		"/ws/b/flake.nix": flake("n.nix"), "/ws/b/n.nix": "{ lib, ... }: { options.microvm.other = lib.mkOption { }; config.microvm.vcpu = 2; }\n",
	} {
		files[p] = nixast.Parse(p, []byte(s))
	}
	c := NewCache()
	unknown := func(fs []Finding) int {
		n := 0
		for _, f := range fs {
			if f.Code == CodeUnknownOption && f.File == "/ws/a/m.nix" {
				n++
			}
		}
		return n
	}
	ws := &Workspace{Files: files}
	if n := unknown(c.Analyze(ws, Config{})); n != 1 {
		t.Fatalf("before: %d unknown-option findings in a/m.nix, want 1", n)
	}
	for i, text := range []string{
		"{ lib, ... }: { options.microvm.other = lib.mkOption { }; config.microvm.vcpu = 3; }\n",
		"{ lib, ... }: { options.microvm.notAnOption = lib.mkOption { }; config.microvm.vcpu = 3; }\n",
	} {
		open := map[string]*nixast.File{"/ws/b/n.nix": nixast.Parse("/ws/b/n.nix", []byte(text))}
		want := 1 - i
		if n := unknown(c.Analyze(&Workspace{Files: files, Open: open}, Config{})); n != want {
			t.Errorf("version %d of b/n.nix: %d unknown-option findings in a/m.nix, want %d", i+2, n, want)
		}
	}
}

// A graph built in place reads its roots through the last graph's map with
// its own scans laid over it.
func TestScansLaidOverTheLastRoots(t *testing.T) {
	a, b, c := &rootScan{}, &rootScan{}, &rootScan{}
	g := &graph{roots: map[string]*rootScan{"scan:a": a, "scan:b": b}, rootsOver: map[string]*rootScan{"scan:b": c}}
	if g.scanOf("scan:a") != a || g.scanOf("scan:b") != c || g.scanOf("scan:x") != nil {
		t.Error("scanOf does not read the scans laid over the last roots first")
	}
	seen := map[string]*rootScan{}
	g.eachScan(func(k string, rs *rootScan) { seen[k] = rs })
	if len(seen) != 2 || seen["scan:a"] != a || seen["scan:b"] != c {
		t.Errorf("eachScan gave %v, want scan:a's own scan and scan:b's laid over", seen)
	}
}

// vmsWorkspace is two flakes: one whose host declares its VMs in vms.nix
// (one of them a guest that also imports the host module: a finding in
// the VMs' component), beside a router; another flake with a host and a
// VM of its own, whose component no edit of vms.nix touches.
const vmsWorkspace = `
-- flake.nix --
{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm }: {
    nixosConfigurations = {
      router = nixpkgs.lib.nixosSystem { modules = [ ./router.nix ]; };
      hv = nixpkgs.lib.nixosSystem { modules = [ microvm.nixosModules.host ./vms.nix ]; };
    };
  };
}
-- router.nix --
{ networking.hostName = "router"; }
-- vms.nix --
{
  microvm.vms.a = { config = { microvm.mem = 512; }; };
  microvm.vms.b = { config = { microvm.vcpu = 2; }; };
}
-- other/flake.nix --
{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm }: {
    nixosConfigurations.far = nixpkgs.lib.nixosSystem {
      modules = [ microvm.nixosModules.host { microvm.vms.z = { config = { microvm.mem = 256; }; }; } ];
    };
  };
}
`

// TestVMsComeAndGoInPlace: an edit that adds, removes or renames a host's
// VMs (a VM's binding typed, or broken by a half-typed line above it) rebuilds the
// graph in place of the last one and derives its components, without a
// walk over every root and system of the workspace; each version's
// components, findings and systems are those of a fresh analysis.
func TestVMsComeAndGoInPlace(t *testing.T) {
	ws := fixtureText(t, vmsWorkspace)
	orig := ws.Files["/ws/vms.nix"]
	if orig == nil {
		t.Fatalf("no /ws/vms.nix in %v", slices.Collect(maps.Keys(ws.Files)))
	}
	src := string(orig.Src)
	vmC := "  microvm.vms.c = { config = { microvm.mem = 128; }; };\n"
	versions := []struct {
		what string
		text string
		vms  int // the VMs of hv
	}{
		{"as read", src, 2},
		{"a third VM", strings.Replace(src, "}\n", vmC+"}\n", 1), 3},
		{"the third VM gone", src, 2},
		{"a VM renamed", strings.Replace(src, "microvm.vms.b ", "microvm.vms.bb ", 1), 2},
		{"its name back", src, 2},
		{"a VM's binding swallowed by a half-typed line above it", strings.Replace(src, "  microvm.vms.b", "  environment.\n  microvm.vms.b", 1), 1},
		{"the line typed out", strings.Replace(src, "  microvm.vms.b", "  environment.etc.x.text = \"\";\n  microvm.vms.b", 1), 2},
	}
	c := NewCache()
	prevFresh := map[string]string{}
	for step, v := range versions {
		cur, whole := openVersion(ws, "/ws/vms.nix", v.text)
		g, err := checkDerivedStep(c, cur, whole, step, prevFresh)
		if err != nil {
			t.Fatalf("%s: %v", v.what, err)
		}
		vms := 0
		for _, s := range g.systems {
			if s.Kind == "vm" && s.Parent != nil && s.Parent.Name == "hv" {
				vms++
			}
		}
		if vms != v.vms {
			t.Fatalf("%s: hv has %d VMs, want %d", v.what, vms, v.vms)
		}
		if step > 0 && (!g.inPlace || !g.derived) {
			t.Errorf("%s: built in place %v, components derived %v; want both", v.what, g.inPlace, g.derived)
		}
	}
}

// TestVMsComeAndGoRandomly: random edits of the workspace of
// TestVMsComeAndGoInPlace, which add and break VMs among other changes,
// derive what a fresh analysis finds, and some of them are graphs built in
// place whose host's VMs changed in number.
func TestVMsComeAndGoRandomly(t *testing.T) {
	ws := fixtureText(t, vmsWorkspace)
	spliced := 0
	for seed := int64(1); seed <= 30; seed++ {
		rnd := rand.New(rand.NewSource(seed))
		c := NewCache()
		files := ws.Files
		prevFresh := map[string]string{}
		lastVMs := -1
		for step := 0; step <= 6; step++ {
			if step > 0 {
				files, _, _ = deriveEdit(files, ws.Files, rnd)
			}
			cur := withFiles(ws, files)
			g, err := checkDerivedStep(c, cur, cur, step, prevFresh)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			vms := 0
			for _, s := range g.systems {
				if s.Parent != nil {
					vms++
				}
			}
			if g.inPlace && g.derived && lastVMs >= 0 && vms != lastVMs {
				spliced++
			}
			lastVMs = vms
		}
	}
	if spliced == 0 {
		t.Error("no graph built in place had another number of VMs than the last one: the splice went untested")
	}
}

// TestConfigurationEditsDerive inserts each of deriveSnippets into every
// configuration.nix of the fixtures (hardware-configuration.nix too) and
// every file that declares systems, one version after another through one
// Cache, and checks each version against a fresh analysis
// (checkDerivedStep). A configuration.nix is a module like any other to the
// roots that read it: its edits rebuild the graph in place of the last
// one. An edit of a file that declares systems rescans the roots that read
// it and keeps the others.
func TestConfigurationEditsDerive(t *testing.T) {
	fixtures, _ := filepath.Glob("../testdata/analysis/*.txtar")
	inPlace, keptRoots := 0, 0
	for _, fx := range fixtures {
		ws, _ := loadFixture(t, fx)
		for _, p := range slices.Sorted(maps.Keys(ws.Files)) {
			src := string(ws.Files[p].Src)
			declares := strings.Contains(src, "nixosSystem") || strings.Contains(src, "nixosConfigurations")
			if !strings.HasSuffix(p, "configuration.nix") && !declares {
				continue
			}
			c := NewCache()
			prevFresh := map[string]string{}
			at := strings.LastIndex(src, "}")
			if at < 0 {
				at = len(src)
			}
			snips := append([]string{""}, deriveSnippets...)
			if testing.Short() {
				snips = snips[:len(snips)/2]
			}
			for step, snip := range snips {
				cur, whole := openVersion(ws, p, src[:at]+snip+src[at:])
				g, err := checkDerivedStep(c, cur, whole, step, prevFresh)
				if err != nil {
					t.Fatalf("%s: %s with %q: %v", filepath.Base(fx), p, snip, err)
				}
				if g == nil || step == 0 {
					continue
				}
				if path.Base(p) == "configuration.nix" && g.inPlace {
					inPlace++
				}
				roots := 0
				g.eachScan(func(string, *rootScan) { roots++ })
				if declares && g.rescanned < roots {
					keptRoots++
				}
			}
		}
	}
	if inPlace == 0 {
		t.Error("no edit of a configuration.nix rebuilt the graph in place of the last one")
	}
	if keptRoots == 0 {
		t.Error("no edit of a file that declares systems kept the roots that do not read it")
	}
}

// configsWorkspace is a machine's configuration.nix that imports another
// by a relative path (which is then no system of its own), beside a
// module it imports.
const configsWorkspace = `
-- machines/eve/configuration.nix --
{ lib, ... }:
{
  networking.hostName = "eve";
  imports = [ ./bot/configuration.nix ./extra.nix ];
}
-- machines/eve/extra.nix --
{ services.nginx.enable = true; }
-- machines/eve/bot/configuration.nix --
{ services.bot.enable = true; microvm.mem = 512; }
`

// TestConfigurationImportsDerive: typing in a configuration.nix that
// imports another configuration.nix rebuilds the graph in place while it
// names the same ones; an edit that drops the import makes the other one a
// system of its own again, from a whole rebuild. Each version matches a
// fresh analysis.
func TestConfigurationImportsDerive(t *testing.T) {
	ws := fixtureText(t, configsWorkspace)
	const p = "/ws/machines/eve/configuration.nix"
	src := string(ws.Files[p].Src)
	versions := []struct {
		what    string
		text    string
		inPlace bool
		systems int
	}{
		{"as read", src, false, 1},
		{"a line typed", strings.Replace(src, "  imports", "  time.timeZone = \"UTC\";\n  imports", 1), true, 1},
		{"half a line typed", strings.Replace(src, "];\n}", "];\n  time.\n}", 1), true, 1},
		{"the import of the other configuration.nix dropped", strings.Replace(src, "./bot/configuration.nix ", "", 1), false, 2},
		{"the import typed again", src, false, 1},
	}
	c := NewCache()
	prevFresh := map[string]string{}
	for step, v := range versions {
		cur, whole := openVersion(ws, p, v.text)
		g, err := checkDerivedStep(c, cur, whole, step, prevFresh)
		if err != nil {
			t.Fatalf("%s: %v", v.what, err)
		}
		if len(g.systems) != v.systems {
			t.Errorf("%s: %d systems, want %d", v.what, len(g.systems), v.systems)
		}
		if g.inPlace != v.inPlace {
			t.Errorf("%s: built in place %v, want %v", v.what, g.inPlace, v.inPlace)
		}
	}
}
