// Command latency measures how long microvm-lsp takes, from a didChange, to
// publish the diagnostics of that document version: the delay a user sees
// between typing and the squiggle moving (issue #4).
//
// It starts the real binary over stdio, initializes with a generated
// workspace (a flake whose system imports both microvm.nix roles), opens
//
//	module.nix  a 300-line NixOS module, and
//	pkgs.nix    a 1.5 MB package set,
//	shared.nix  a 300-line module that 200 hosts import,
//
// and replays a typing session on each (session.go): bindings typed one
// character at a time into new lines, with brackets and quotes closed by the
// editor and the odd typo deleted again; blocks of lines pasted and cut;
// digits typed over. Most versions in between do not parse. The next edit is
// sent when the previous version's diagnostics arrive. Every file ends with
// a duplicate attribute, so every edit moves a diagnostic (the server also
// sends an open document's diagnostics for each new version, changed or not).
// The time includes all the server does: applying the edit, parsing, analysis
// and encoding the diagnostics. cpu/edit is the server's CPU time over the
// document's edits (and requests) divided by the edits: on a busy machine
// its work, which other processes stretch less than the latency.
//
// Typing must not depend on the size of the workspace: -corpus N adds a
// generated corpus of N files beside the documents (33000 make a 168 MB
// workspace), -workspace DIR the *.nix files of a directory, hard-linked
// -copies times. Typing starts when the server has indexed them and
// analysed the workspace, and each document's typing when its didOpen has
// been answered with diagnostics.
//
// Under each document's row, its edits are split into those that met a
// collection of the server's heap (it runs with GODEBUG=gctrace=1, read
// from its stderr) and the others: in a large workspace the slowest are
// those that share the cores with a mark.
//
// An edit moves every node after it: Reparse copies them with their new
// positions. -tail N types only in the last N lines of each body, where
// nothing follows, to tell what typing costs without that copy.
//
// With -requests, the editor's requests are timed too: a completion at the
// cursor sent right after each didChange (as editors do while typing, so
// that it meets the analysis of that version), and a hover on a word of
// another line and the document's semantic tokens (as VS Code asks for
// them: the edits since the list it holds) once the version's diagnostics
// arrived.
//
//	go run ./e2e/latency -bin bin/microvm-lsp [-edits 600] [-seed 1] [-only module.nix] [-pause 50ms] [-tail 300] [-trace FILE] [-requests]
//	go run ./e2e/latency -bin bin/microvm-lsp -corpus 33000 [-edits 300]
//	go run ./e2e/latency -bin bin/microvm-lsp -workspace DIR [-copies 3] -doc host/configuration.nix
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/microvm-lsp/microvm-lsp/internal/corpus"
	"github.com/microvm-lsp/microvm-lsp/internal/lspclient"
)

func main() {
	bin := flag.String("bin", "bin/microvm-lsp", "the microvm-lsp `binary` to measure")
	edits := flag.Int("edits", 600, "edits (didChange notifications) per document")
	seed := flag.Int64("seed", 1, "random seed for the edit positions")
	timeout := flag.Duration("timeout", 10*time.Second, "give up waiting for one publication after this long")
	pause := flag.Duration("pause", 0, "wait this long after each publication before the next edit (a typist's pace; 0: at once, the worst case)")
	trace := flag.String("trace", "", "write each edit's document, number, kind, line, send time (seconds since the server started, as GODEBUG=gctrace=1 counts), latency and the edited line's text to `FILE`")
	only := flag.String("only", "", "edit only the document `NAME` (module.nix, pkgs.nix or shared.nix)")
	requests := flag.Bool("requests", false, "also time a completion after each didChange, and a hover and the semantic tokens after each publication")
	write := flag.String("write", "", "only write the generated workspace into `DIR` (to reproduce by hand) and exit")
	flag.IntVar(&corpusFiles, "corpus", 0, "add a generated corpus of `N` files to the workspace")
	flag.StringVar(&corpusDir, "workspace", "", "add the *.nix files below `DIR` to the workspace")
	flag.IntVar(&corpusCopies, "copies", 1, "with -workspace, hard-link this many copies")
	flag.IntVar(&tailLines, "tail", 0, "edit only the last `N` lines of each document's body: nothing follows an edit for Reparse to move (what typing costs without that copy)")
	flag.StringVar(&docPath, "doc", "", "with -workspace, replay the session on the file at `PATH` below it (in the first copy) instead of the generated documents")
	flag.Parse()
	if *write != "" {
		if err := writeWorkspace(*write); err != nil {
			fmt.Fprintln(os.Stderr, "latency:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*bin, *edits, *seed, *timeout, *pause, *only, *trace, *requests); err != nil {
		fmt.Fprintln(os.Stderr, "latency:", err)
		os.Exit(1)
	}
}

var (
	corpusFiles  int
	corpusDir    string
	corpusCopies int
	docPath      string
	tailLines    int
)

// addCorpus puts the corpus the flags ask for below ws/corpus, and says
// what it made ("" when none).
func addCorpus(ws string) (string, error) {
	dir := filepath.Join(ws, "corpus")
	var n int
	var size int64
	var err error
	switch {
	case corpusDir != "":
		n, size, err = corpus.LinkCopies(corpusDir, dir, corpusCopies)
	case corpusFiles > 0:
		n, size, err = corpus.Write(dir, corpusFiles, 1_500_000, 75)
	default:
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("; a workspace of %d more files (%.1f MB)", n, float64(size)/1e6), nil
}

func run(bin string, edits int, seed int64, timeout, pause time.Duration, only, trace string, requests bool) error {
	var tw io.Writer = io.Discard
	if trace != "" {
		f, err := os.Create(trace)
		if err != nil {
			return err
		}
		defer f.Close()
		tw = f
	}
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	ws, err := os.MkdirTemp("", "microvm-lsp-latency-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(ws)
	docs := documents()
	if err := writeWorkspace(ws); err != nil {
		return err
	}
	if docPath != "" {
		// A file of the workspace the flags add, as linked below ws.
		if corpusDir == "" {
			return fmt.Errorf("-doc names a file below -workspace, and there is none")
		}
		text, err := os.ReadFile(filepath.Join(corpusDir, docPath))
		if err != nil {
			return err
		}
		name := filepath.Join("corpus", docPath)
		if corpusCopies > 1 {
			name = filepath.Join("corpus", "copy1", docPath)
		}
		docs, only = []document{{name, string(text), typedModule}}, ""
	}
	extra, err := addCorpus(ws)
	if err != nil {
		return err
	}

	started := time.Now()
	gcs := newCollections()
	c, indexed, err := start(bin, ws, gcs)
	if err != nil {
		return err
	}
	defer c.Stop()
	if extra != "" {
		select {
		case <-indexed:
		case <-time.After(5 * time.Minute):
			return fmt.Errorf("the server did not index the workspace in 5 minutes")
		}
		// The analysis of the whole workspace follows the index: a pull
		// of a file's diagnostics is answered when it is done (it may
		// run for seconds without a message). Its publications follow.
		// The first pull may meet the state just before the index
		// ended: the second, after a quiet second, meets the analysis.
		for i := 0; i < 2; i++ {
			if _, err := c.Call("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": "file://" + filepath.Join(ws, "flake.nix")}}, 5*time.Minute); err != nil {
				return fmt.Errorf("waiting for the analysis of the workspace: %v", err)
			}
			for time.Since(c.LastMessage()) < time.Second {
				time.Sleep(100 * time.Millisecond)
			}
		}
	}

	out, _ := exec.Command(bin, "version").Output()
	fmt.Printf("%s; %d edits per document, replaying a typing session%s; latency = didChange sent -> publishDiagnostics of that version received\n\n",
		strings.TrimSpace(string(out)), edits, extra)
	fmt.Printf("%-34s %7s %9s %9s %9s %9s %8s %9s %12s %11s %4s\n", "document", "edits", "median", "p90", "p99", "max", "missing", "cpu/edit", "faults/edit", "alloc/edit", "GCs")
	rng := rand.New(rand.NewSource(seed))
	// Where hovers go has a generator of its own: the edits are the same
	// with and without -requests.
	hoverRng := rand.New(rand.NewSource(seed))
	var mix, reqRows []string
	for _, d := range docs {
		if only != "" && d.name != only {
			continue
		}
		uri := "file://" + filepath.Join(ws, d.name)
		t0 := time.Now()
		c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
			"uri": uri, "languageId": "nix", "version": 1, "text": d.text,
		}})
		// An open document's diagnostics are sent for each version,
		// its first included.
		openNote := "didOpen -> first publish: "
		if at, err := c.WaitPublish(uri, 1, timeout); err == nil {
			openNote += ms(at.Sub(t0))
		} else {
			openNote += "none within " + timeout.String()
		}

		lines := strings.Count(d.text, "\n")
		sess := newSession(rng, d.text, d.typed)
		kinds := map[string]int{}
		var lat, completions, hovers, tokens []time.Duration
		var tok tokenState
		var timed []timedEdit
		missing, failed := 0, 0
		cpu0, cpuErr := c.CPUTime()
		faults0, faultsErr := c.PageFaults()
		heap0, heapErr := heapCounters(c)
		for i := 0; i < edits; i++ {
			version := i + 2
			e := sess.before()
			kinds[e.kind]++
			sent := time.Now()
			c.Notify("textDocument/didChange", map[string]any{
				"textDocument":   map[string]any{"uri": uri, "version": version},
				"contentChanges": []any{e.change},
			})
			if requests {
				line, col := sess.pos(e.start + len(e.text))
				if took, err := timedCall(c, "textDocument/completion", uri, line, col, timeout); err == nil {
					completions = append(completions, took)
				} else {
					failed++
				}
			}
			at, err := c.WaitPublish(uri, version, timeout)
			if err != nil {
				missing++
				continue
			}
			lat = append(lat, at.Sub(sent))
			timed = append(timed, timedEdit{sent.Sub(started), at.Sub(sent)})
			line, _ := sess.pos(e.start)
			fmt.Fprintf(tw, "%s %d %s %d %.3f %.2f %q\n", d.name, i, e.kind, line, sent.Sub(started).Seconds(), float64(at.Sub(sent))/1e6,
				strings.TrimSpace(sess.text[sess.lines[line]:sess.lineEnd(line)]))
			if requests {
				hl, hc := sess.word(hoverRng)
				if took, err := timedCall(c, "textDocument/hover", uri, hl, hc, timeout); err == nil {
					hovers = append(hovers, took)
				} else {
					failed++
				}
				if took, err := tok.call(c, uri, timeout); err == nil {
					tokens = append(tokens, took)
				} else {
					failed++
				}
			}
			time.Sleep(pause)
		}
		if requests {
			for _, r := range []struct {
				what string
				lat  []time.Duration
			}{{"completion after didChange", completions}, {"hover after publish", hovers}, {"semantic tokens after publish", tokens}} {
				sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
				reqRows = append(reqRows, fmt.Sprintf("%-44s %7d %9s %9s %9s %9s", d.name+" "+r.what, len(r.lat),
					ms(pct(r.lat, 50)), ms(pct(r.lat, 90)), ms(pct(r.lat, 99)), ms(pct(r.lat, 100))))
			}
			if len(tokens) > 0 {
				reqRows = append(reqRows, fmt.Sprintf("%-44s %s", "", tok.summary()))
			}
			if failed > 0 {
				defer fmt.Fprintf(os.Stderr, "latency: %s: %d requests failed\n", d.name, failed)
			}
		}
		// The server's CPU time per edit: its work, which a busy machine
		// stretches less than the latency.
		cpu := "-"
		if cpu1, err := c.CPUTime(); err == nil && cpuErr == nil && edits > 0 {
			cpu = ms((cpu1 - cpu0) / time.Duration(edits))
		}
		// Its page faults per edit: memory it touched for the first time.
		// Where a page fault is slow (a virtual machine whose host backs
		// memory on first use), they cost an edit more than its work.
		faults := "-"
		if f1, err := c.PageFaults(); err == nil && faultsErr == nil && edits > 0 {
			faults = fmt.Sprintf("%.0f", float64(f1-faults0)/float64(edits))
		}
		// The bytes it allocated per edit (with the requests, if any): what
		// brings the next collection nearer; and the collections the
		// edits met. In a large workspace each marks a heap of hundreds
		// of MB, and the edits that share the cores with it are the
		// slowest.
		alloc, collected := "-", "-"
		if h1, err := heapCounters(c); err == nil && heapErr == nil && edits > 0 && h1.Allocated > 0 {
			alloc = fmt.Sprintf("%.0f KB", float64(h1.Allocated-heap0.Allocated)/float64(edits)/1e3)
			collected = fmt.Sprint(h1.Collections - heap0.Collections)
		}
		mix = append(mix, fmt.Sprintf("%s: %s", d.name, kindSummary(kinds)))
		c.Notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
		label := fmt.Sprintf("%s (%d lines, %.2f MB)", d.name, lines, float64(len(d.text))/1e6)
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		fmt.Printf("%-34s %7d %9s %9s %9s %9s %8d %9s %12s %11s %4s   (%s)\n", label, len(lat),
			ms(pct(lat, 50)), ms(pct(lat, 90)), ms(pct(lat, 99)), ms(pct(lat, 100)), missing, cpu, faults, alloc, collected, openNote)
		fmt.Printf("%34s %s\n", "", metCollection(gcs, timed))
		if missing > 0 {
			defer fmt.Fprintf(os.Stderr, "latency: %s: %d edits had no publication within %s\n", d.name, missing, timeout)
		}
	}
	if requests {
		fmt.Printf("\n%-44s %7s %9s %9s %9s %9s\n", "request (request sent -> answer)", "count", "median", "p90", "p99", "max")
		for _, r := range reqRows {
			fmt.Println(r)
		}
	}
	fmt.Printf("\nedits: %s\n", strings.Join(mix, "; "))
	return c.Shutdown(timeout)
}

// tokenState asks for a document's semantic tokens as VS Code does after
// each change: the edits since the result it holds (full/delta), or the
// whole list from a server that sends no result id or knows no delta.
type tokenState struct {
	id       string
	noDelta  bool
	bytes    int // of the answers
	answers  int
	wholeAns int // answers that were the whole list
}

func (t *tokenState) call(c *lspclient.Client, uri string, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	doc := map[string]any{"uri": uri}
	var raw json.RawMessage
	var err error
	if t.id != "" && !t.noDelta {
		raw, err = c.Call("textDocument/semanticTokens/full/delta", map[string]any{"textDocument": doc, "previousResultId": t.id}, timeout)
		if err != nil {
			t.noDelta = true
		}
	}
	if t.id == "" || t.noDelta {
		raw, err = c.Call("textDocument/semanticTokens/full", map[string]any{"textDocument": doc}, timeout)
	}
	took := time.Since(start)
	if err != nil {
		return took, err
	}
	var r struct {
		ResultID string          `json:"resultId"`
		Data     json.RawMessage `json:"data"`
	}
	json.Unmarshal(raw, &r)
	t.id = r.ResultID
	t.bytes += len(raw)
	t.answers++
	if r.Data != nil {
		t.wholeAns++
	}
	return took, nil
}

func (t *tokenState) summary() string {
	return fmt.Sprintf("semantic tokens: %.1f KB an answer; %d of %d the whole list", float64(t.bytes)/float64(t.answers)/1e3, t.wholeAns, t.answers)
}

// timedCall sends a request about a position of a document and returns how
// long its answer took.
func timedCall(c *lspclient.Client, method, uri string, line, col int, timeout time.Duration) (time.Duration, error) {
	t := time.Now()
	_, err := c.Call(method, map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"position":     map[string]int{"line": line, "character": col},
	}, timeout)
	return time.Since(t), err
}

// kindSummary prints counts of edit kinds, most frequent first.
func kindSummary(kinds map[string]int) string {
	var names []string
	for k := range kinds {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if kinds[names[i]] != kinds[names[j]] {
			return kinds[names[i]] > kinds[names[j]]
		}
		return names[i] < names[j]
	})
	var parts []string
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%d %s", kinds[k], k))
	}
	return strings.Join(parts, ", ")
}

type document struct {
	name, text string
	typed      func(n int) string // bindings typed into it (nil: not edited)
}

// documents are the files opened and edited, in order.
func documents() []document {
	return []document{
		{"module.nix", nixosModule(300), typedModule},
		{"pkgs.nix", packageSet(1_500_000), typedPackage},
		{"shared.nix", sharedModule(300), typedModule},
	}
}

// importers is how many files import shared.nix (issue #7's "a module that
// 200 other files import"): each is a host of its own in hosts.nix.
const importers = 200

// sharedModule is a 300-line module like those hosts share (users, services,
// file systems; no microvm import and no VMs), ending in a duplicate
// attribute so that every edit moves a diagnostic.
func sharedModule(n int) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(nixosModule(n+40), "\n") {
		if strings.Contains(line, "microvm") {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

// importerFiles are hosts/hNNN.nix, each importing ../shared.nix, and
// hosts.nix, a flake-style file that makes each a nixosSystem.
func importerFiles() []document {
	var out []document
	for name, text := range corpus.Hosts(importers) {
		out = append(out, document{name, string(text), nil})
	}
	return out
}

func writeWorkspace(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := append(documents(), document{"flake.nix", flake, nil})
	files = append(files, importerFiles()...)
	for _, f := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f.name)), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), []byte(f.text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func rng0(l1, c1, l2, c2 int) map[string]any {
	return map[string]any{
		"start": map[string]int{"line": l1, "character": c1},
		"end":   map[string]int{"line": l2, "character": c2},
	}
}

// pct is the p-th percentile (nearest rank) of sorted durations.
func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (p*len(sorted) + 99) / 100
	if i < 1 {
		i = 1
	}
	return sorted[i-1]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }

const flake = `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.microvm.url = "github:microvm-nix/microvm.nix";

  outputs = { self, nixpkgs, microvm }@inputs: {
    nixosConfigurations.server = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      specialArgs = { inherit inputs; };
      modules = [
        microvm.nixosModules.host
        ./module.nix
      ];
    };
  };
}
`

// nixosModule generates a NixOS module of n lines that brings in the guest
// module (a role conflict with the flake's host import) and ends with a
// duplicate attribute.
func nixosModule(n int) string {
	var b strings.Builder
	b.WriteString("{ config, lib, pkgs, inputs, ... }:\n{\n  imports = [\n    inputs.microvm.nixosModules.microvm\n  ];\n\n")
	b.WriteString("  boot.loader.grub.device = \"/dev/sda\";\n  networking.hostName = \"server\";\n\n")
	for i := 0; strings.Count(b.String(), "\n") < n-8; i++ {
		switch i % 6 {
		case 0:
			fmt.Fprintf(&b, "  services.svc%d = {\n    enable = true;\n    port = %d;\n    openFirewall = lib.mkDefault false;\n  };\n", i, 8000+i)
		case 1:
			fmt.Fprintf(&b, "  users.users.user%d = { isNormalUser = true; extraGroups = [ \"wheel\" ]; };\n", i)
		case 2:
			fmt.Fprintf(&b, "  environment.etc.\"conf%d\".text = ''\n    key = value%d\n  '';\n", i, i)
		case 3:
			fmt.Fprintf(&b, "  systemd.services.job%d.serviceConfig.ExecStart = \"${pkgs.hello}/bin/hello\";\n", i)
		case 4:
			fmt.Fprintf(&b, "  microvm.vms.vm%d.config = { networking.hostName = \"vm%d\"; };\n", i, i)
		case 5:
			fmt.Fprintf(&b, "  fileSystems.\"/data%d\" = { device = \"/dev/disk/by-label/d%d\"; fsType = \"ext4\"; };\n", i, i)
		}
	}
	b.WriteString("\n  system.stateVersion = \"24.05\";\n  networking.hostName = \"again\";\n}\n")
	return b.String()
}

// packageSet generates an all-packages.nix-like attribute set of about size
// bytes, ending with a duplicate attribute.
func packageSet(size int) string {
	var b strings.Builder
	b.WriteString("{ lib, pkgs, callPackage, fetchurl, stdenv }:\n\nwith pkgs;\n\n{\n")
	for i := 0; b.Len() < size; i++ {
		if i%10 == 0 {
			fmt.Fprintf(&b, "  pkg%d = stdenv.mkDerivation rec {\n    pname = \"pkg%d\";\n    version = \"1.%d\";\n    src = fetchurl {\n      url = \"https://example.org/${pname}-${version}.tar.gz\";\n      hash = \"sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\";\n    };\n    buildInputs = [ pkg%d pkg%d ];\n    meta = with lib; { description = \"package %d\"; license = licenses.mit; };\n  };\n\n",
				i, i, i, max(i-1, 0), max(i-2, 0), i)
		} else {
			fmt.Fprintf(&b, "  pkg%d = callPackage ../development/libraries/pkg%d { inherit (pkgs) pkg%d; };\n", i, i, max(i-1, 0))
		}
	}
	b.WriteString("  pkg1 = null;\n}\n")
	return b.String()
}

// start starts the server and initializes it with ws as the workspace folder.
// start starts and initializes the server on ws; indexed is closed when
// the server reports the end of its workspace index.
func start(bin, ws string, gcs *collections) (*lspclient.Client, <-chan struct{}, error) {
	// MICROVM_LSP_DEBUG: for the bytes the server allocates (allocated);
	// gctrace: for when it collected (gcs).
	godebug := "gctrace=1"
	if v := os.Getenv("GODEBUG"); v != "" {
		godebug = v + "," + godebug
	}
	c, err := lspclient.StartStderr(bin, []string{"serve", "--log-level", "warn"}, []string{"MICROVM_LSP_DEBUG=1", "GODEBUG=" + godebug}, "", gcs)
	if err != nil {
		return nil, nil, err
	}
	indexed := make(chan struct{})
	var once sync.Once
	c.OnNotification(func(n lspclient.Notification) {
		var p struct {
			Value struct {
				Kind string `json:"kind"`
			} `json:"value"`
		}
		if n.Method == "$/progress" && json.Unmarshal(n.Params, &p) == nil && p.Value.Kind == "end" {
			once.Do(func() { close(indexed) })
		}
	})
	root := "file://" + ws
	if _, err := c.Call("initialize", map[string]any{
		"processId": os.Getpid(),
		"rootUri":   root,
		"capabilities": map[string]any{
			"textDocument": map[string]any{"publishDiagnostics": map[string]any{"versionSupport": true, "relatedInformation": true}},
			"workspace":    map[string]any{"workspaceFolders": true},
			"window":       map[string]any{"workDoneProgress": true},
		},
		"workspaceFolders": []any{map[string]any{"uri": root, "name": "ws"}},
	}, 30*time.Second); err != nil {
		c.Stop()
		return nil, nil, fmt.Errorf("initialize: %v", err)
	}
	c.Notify("initialized", map[string]any{})
	return c, indexed, nil
}

// heap are the server's counts of the bytes it has allocated and the
// collections it has completed.
type heap struct {
	Allocated   uint64 `json:"allocated"`
	Collections uint32 `json:"collections"`
}

// heapCounters reads the server's heap counters without making it collect.
func heapCounters(c *lspclient.Client) (heap, error) {
	raw, err := c.Call("microvm-lsp/debug/stats", map[string]any{"collect": false}, 10*time.Second)
	if err != nil {
		return heap{}, err
	}
	var h heap
	err = json.Unmarshal(raw, &h)
	return h, err
}
