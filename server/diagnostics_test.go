package server

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func TestOpenPublishesDiagnostics(t *testing.T) {
	c := start(t, Options{})
	u := protocol.DocumentURI("file:///w/broken.nix")
	c.open(u, "{ a = 1 }")
	got := c.waitDiagnostics(u, "a syntax error", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })
	if got.Version == nil || *got.Version != 1 {
		t.Errorf("version = %v, want 1", got.Version)
	}
	d := got.Diagnostics[0]
	if d.Code != "syntax-error" || d.Source != "microvm-lsp" || d.Severity != protocol.DiagnosticSeverityError {
		t.Errorf("diagnostic = %+v", d)
	}
	if d.CodeDescription != nil {
		t.Errorf("codeDescription = %+v without a docsUrl setting, want none (no link that may not exist)", d.CodeDescription)
	}
}

// TestDocsURLLinksEachCode: with docsUrl set, each diagnostic links to the
// code's heading in that copy of docs/diagnostics.md; a URL that is not
// absolute is ignored.
func TestDocsURLLinksEachCode(t *testing.T) {
	for _, tc := range []struct{ docsURL, want string }{
		{"https://example.org/microvm-lsp/diagnostics.md", "https://example.org/microvm-lsp/diagnostics.md#syntax-error"},
		{"file:///src/microvm-lsp/docs/diagnostics.md#top", "file:///src/microvm-lsp/docs/diagnostics.md#syntax-error"},
		{"docs/diagnostics.md", ""},
	} {
		c := startSession(t, Options{})
		c.initialize(sessionOptions{initOptions: map[string]any{"docsUrl": tc.docsURL}})
		u := protocol.DocumentURI("file:///w/broken.nix")
		c.open(u, "{ a = 1 }")
		d := c.waitDiagnostics(u, "a syntax error", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 }).Diagnostics[0]
		var got string
		if d.CodeDescription != nil {
			got = string(d.CodeDescription.Href)
		}
		if got != tc.want {
			t.Errorf("docsUrl %q: codeDescription %q, want %q", tc.docsURL, got, tc.want)
		}
	}
}

func TestEditIntroducesAndRemovesAnError(t *testing.T) {
	c := start(t, Options{})
	u := protocol.DocumentURI("file:///w/edit.nix")
	c.open(u, "{\n  a = 1;\n}\n")
	// Delete the ";": an error appears, for version 2.
	v := c.edit(u, rng(1, 7, 1, 8), "")
	got := c.waitDiagnostics(u, "an error at version 2", func(p publishDiagnosticsParams) bool {
		return len(p.Diagnostics) > 0 && p.Version != nil && *p.Version == v
	})
	if got.Diagnostics[0].Range.Start.Line != 2 && got.Diagnostics[0].Range.Start.Line != 1 {
		t.Errorf("error at %+v, expected near the missing ';'", got.Diagnostics[0].Range)
	}
	// Put it back: the diagnostics are cleared with an empty list.
	v = c.edit(u, rng(1, 7, 1, 7), ";")
	got = c.waitDiagnostics(u, "none at version 3", func(p publishDiagnosticsParams) bool {
		return len(p.Diagnostics) == 0 && p.Version != nil && *p.Version == v
	})
	if got.Diagnostics == nil {
		t.Error("cleared diagnostics must be an empty list, not null")
	}
}

func TestBurstOfEditsPublishesTheLastVersion(t *testing.T) {
	c := start(t, Options{})
	u := protocol.DocumentURI("file:///w/burst.nix")
	c.open(u, "{ }")
	var v int32
	for i := 0; i < 50; i++ {
		v = c.edit(u, rng(0, 1, 0, 1), " x = 1")
	}
	got := c.waitDiagnostics(u, "the last version", func(p publishDiagnosticsParams) bool {
		return p.Version != nil && *p.Version == v
	})
	if len(got.Diagnostics) == 0 {
		t.Error("the last version is broken and has no diagnostics")
	}
	c.mu.Lock()
	want := c.texts[u]
	c.mu.Unlock()
	if text := c.storedText(u).Text; text != want {
		t.Errorf("stored text %q, editor has %q", text, want)
	}
}

func TestClosingAFileOutsideTheWorkspaceClearsIt(t *testing.T) {
	c := start(t, Options{})
	u := protocol.DocumentURI("file:///nowhere/lone.nix")
	c.open(u, "{ a = 1 }")
	c.waitCount(u, 1)
	c.notify(protocol.MethodTextDocumentDidClose, protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}})
	got := c.waitCount(u, 0)
	if got == nil {
		t.Error("want an empty list")
	}
}

func TestPullDiagnostics(t *testing.T) {
	c := start(t, Options{})
	u := protocol.DocumentURI("file:///w/pull.nix")
	c.open(u, "{ a = 1 }")
	var report struct {
		Kind  string                `json:"kind"`
		Items []protocol.Diagnostic `json:"items"`
	}
	c.call("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": u}}, &report)
	if report.Kind != "full" || len(report.Items) == 0 || report.Items[0].Code != "syntax-error" {
		t.Errorf("report = %+v", report)
	}
}

func TestDiagnosticsAreCappedPerFile(t *testing.T) {
	many := func(*analysis.Workspace, analysis.Config) []analysis.Finding {
		var out []analysis.Finding
		for i := 0; i < 300; i++ {
			sev := analysis.SeverityWarning
			if i%100 == 99 {
				sev = analysis.SeverityError
			}
			out = append(out, analysis.Finding{File: "/w/many.nix", Pos: i, End: i + 1, Severity: sev, Code: "fake", Message: "m"})
		}
		return out
	}
	c := start(t, Options{Analyze: many})
	u := protocol.DocumentURI("file:///w/many.nix")
	c.open(u, strings.Repeat("x", 400))
	got := c.waitCount(u, maxDiagnosticsPerFile)
	errors := 0
	for i, d := range got {
		if d.Severity == protocol.DiagnosticSeverityError {
			errors++
		}
		if i > 0 && got[i-1].Range.Start.Character > d.Range.Start.Character {
			t.Fatal("capped diagnostics are not in position order")
		}
	}
	if errors != 3 {
		t.Errorf("%d errors kept, want all 3", errors)
	}
}

// TestChangeInOneFileRepublishesAnother uses a fake analysis whose finding
// in one file depends on another, as role checks do across imports.
func TestChangeInOneFileRepublishesAnother(t *testing.T) {
	crossFile := func(ws *analysis.Workspace, _ analysis.Config) []analysis.Finding {
		host, guest := ws.At("/w/host.nix"), ws.At("/w/guest.nix")
		if host == nil || guest == nil || !strings.Contains(string(host.Src), "guest") {
			return nil
		}
		return []analysis.Finding{{
			File: "/w/guest.nix", Pos: 0, End: 1, Severity: analysis.SeverityError, Code: "role-conflict", Message: "imported by host.nix",
			Related: []analysis.Related{{File: "/w/host.nix", Pos: 0, End: 5, Message: "imported here"}},
		}}
	}
	c := start(t, Options{Analyze: crossFile})
	host, guest := protocol.DocumentURI("file:///w/host.nix"), protocol.DocumentURI("file:///w/guest.nix")
	c.open(guest, "{ }")
	c.open(host, "[ ]")
	c.edit(host, rng(0, 1, 0, 1), " guest")
	d := c.waitCount(guest, 1)[0]
	if len(d.RelatedInformation) != 1 || d.RelatedInformation[0].Location.URI != host {
		t.Errorf("relatedInformation = %+v", d.RelatedInformation)
	}
	c.edit(host, rng(0, 1, 0, 7), "")
	c.waitCount(guest, 0)
}

// TestPublishedDiagnosticsMatchAnalysis checks, for a few fixtures of the
// analysis tests, that what is published for every file is what Analyze
// returns for the workspace, on opening and after each file in turn is
// emptied in the editor. Whatever checks exist, their cross-file findings
// must follow the edits.
func TestPublishedDiagnosticsMatchAnalysis(t *testing.T) {
	for _, name := range []string{"conflict-three-files-deep", "conflict-shared-file-one-system", "conflict-let-alias"} {
		t.Run(name, func(t *testing.T) {
			files := readTxtar(t, "../testdata/analysis/"+name+".txtar")
			dir := workspace(t, files)
			root := normalizePath(dir)
			c := startSession(t, Options{})
			c.initialize(sessionOptions{rootURI: fileURI(dir)})
			c.waitFor("indexing", func() bool { return progressEnded(c.progress) })

			current := map[string]string{}
			for name, text := range files {
				current[root+"/"+name] = text
			}
			check := func(when string) {
				t.Helper()
				want := expectedDiagnostics(current)
				for p := range current {
					u := fileURI(p)
					c.waitForOr(when+": diagnostics of "+p, func() bool {
						return summarize(c.diagnostics[u].Diagnostics) == want[p]
					}, func() string {
						return fmt.Sprintf("got %q, want %q", summarize(c.diagnostics[u].Diagnostics), want[p])
					})
				}
			}
			check("after indexing")
			for name := range files {
				p := root + "/" + name
				c.open(fileURI(p), current[p])
				c.replaceAll(fileURI(p), "{ }\n")
				current[p] = "{ }\n"
				check("after emptying " + name)
			}
		})
	}
}

func expectedDiagnostics(texts map[string]string) map[string]string {
	snap := &snapshot{files: map[string]*nixast.File{}, docs: map[string]*document{}}
	for p, text := range texts {
		snap.files[p] = nixast.Parse(p, []byte(text))
	}
	findings := analysis.Analyze(&analysis.Workspace{Files: snap.files}, analysis.Config{})
	byPath := map[string][]analysis.Finding{}
	for _, f := range findings {
		byPath[f.File] = append(byPath[f.File], f)
	}
	out := map[string]string{}
	for p := range texts {
		out[p] = summarize(toDiagnostics(snap, byPath[p]))
	}
	return out
}

func summarize(ds []protocol.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%d:%d-%d:%d %v %s; ", d.Range.Start.Line, d.Range.Start.Character, d.Range.End.Line, d.Range.End.Character, d.Code, d.Message)
	}
	return b.String()
}

func progressEnded(values []map[string]any) bool {
	for _, v := range values {
		if v["kind"] == "end" {
			return true
		}
	}
	return false
}

// readTxtar reads the files of a txtar archive (the analysis fixtures).
func readTxtar(t *testing.T, path string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data := string(raw)
	files := map[string]string{}
	var name string
	var body strings.Builder
	flush := func() {
		if name != "" {
			files[name] = body.String()
		}
		body.Reset()
	}
	for _, line := range strings.SplitAfter(data, "\n") {
		trimmed := strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			flush()
			name = strings.TrimSpace(trimmed[3 : len(trimmed)-3])
			continue
		}
		if name != "" {
			body.WriteString(line)
		}
	}
	flush()
	return files
}

// TestFlakeEditCreatesAndClearsAConflictInAnotherFile uses the real
// analysis: adding the host module to a flake's system puts a role-conflict
// on the guest import in vm.nix, and removing it clears that diagnostic.
func TestFlakeEditCreatesAndClearsAConflictInAnotherFile(t *testing.T) {
	c := start(t, Options{})
	flake, vm := protocol.DocumentURI("file:///w/flake.nix"), protocol.DocumentURI("file:///w/vm.nix")
	c.open(vm, "{ inputs, ... }:\n{\n  imports = [ inputs.microvm.nixosModules.microvm ];\n  boot.loader.grub.device = \"/dev/sda\";\n}\n")
	c.open(flake, `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { nixpkgs, microvm, ... }@inputs: {
    nixosConfigurations.h = nixpkgs.lib.nixosSystem {
      specialArgs = { inherit inputs; };
      modules = [ ./vm.nix ];
    };
  };
}
`)
	// Line 5: `      modules = [ ./vm.nix ];` — insert the host module before ./vm.nix.
	c.edit(flake, rng(5, 18, 5, 18), "microvm.nixosModules.host ")
	d := c.waitDiagnostics(vm, "a role-conflict", func(p publishDiagnosticsParams) bool {
		for _, d := range p.Diagnostics {
			if d.Code == "role-conflict" {
				return true
			}
		}
		return false
	})
	var conflict *protocol.Diagnostic
	for i := range d.Diagnostics {
		if d.Diagnostics[i].Code == "role-conflict" {
			conflict = &d.Diagnostics[i]
		}
	}
	if conflict.Range.Start.Line != 2 || conflict.Severity != protocol.DiagnosticSeverityError {
		t.Errorf("role-conflict = %+v", conflict)
	}
	c.edit(flake, rng(5, 18, 5, 44), "")
	c.waitDiagnostics(vm, "the role-conflict to clear", func(p publishDiagnosticsParams) bool {
		for _, d := range p.Diagnostics {
			if d.Code == "role-conflict" {
				return false
			}
		}
		return true
	})
}

// TestIdleAfterPublishing: Options.Idle runs once diagnostics are out, and
// its still reports false once the client changed something.
func TestIdleAfterPublishing(t *testing.T) {
	idle := make(chan func() bool, 100)
	c := start(t, Options{Idle: func(still func() bool) { idle <- still }})
	u := protocol.DocumentURI("file:///w/idle.nix")
	c.open(u, "{ a = 1 }")
	c.waitDiagnostics(u, "version 1", func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == 1 })
	// A change the client does not see may follow the publication (the end
	// of the workspace scan wakes diagnostics again, once): its own
	// publication then calls Idle again. Once the state settles, a call's
	// still() holds.
	var still func() bool
	deadline := time.After(waitTimeout)
	for still == nil || !still() {
		select {
		case still = <-idle:
		case <-deadline:
			t.Fatal("Idle was not called, with still() true, after diagnostics were published and nothing changed")
		}
	}
	v := c.edit(u, rng(0, 6, 0, 7), "2")
	c.waitDiagnostics(u, "version 2", func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == v })
	if still() {
		t.Error("still() is true after a change")
	}
}

// A document without findings gets an empty list when opened, and again
// when opened a second time: a client never keeps stale diagnostics.
func TestOpenPublishesEmptyDiagnostics(t *testing.T) {
	c := start(t, Options{})
	u := protocol.DocumentURI("file:///w/clean.nix")
	c.open(u, "{ a = 1; }")
	got := c.waitDiagnostics(u, "an empty list", func(p publishDiagnosticsParams) bool { return true })
	if got.Diagnostics == nil || len(got.Diagnostics) != 0 || got.Version == nil || *got.Version != 1 {
		t.Fatalf("published %+v, want an empty list for version 1", got)
	}
	c.mu.Lock()
	delete(c.diagnostics, u)
	c.mu.Unlock()
	c.open(u, "{ a = 1; }")
	c.waitDiagnostics(u, "an empty list again", func(p publishDiagnosticsParams) bool { return p.Diagnostics != nil && len(p.Diagnostics) == 0 })
}

// A second didOpen of an open document replaces its text, as eglot sends
// one while it applies a workspace edit.
func TestSecondOpenReplacesText(t *testing.T) {
	c := start(t, Options{})
	u := protocol.DocumentURI("file:///w/reopened.nix")
	c.open(u, "{ a = 1 }")
	c.waitDiagnostics(u, "a syntax error", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })
	c.open(u, "{ a = 1; }")
	c.waitDiagnostics(u, "none after the second didOpen", func(p publishDiagnosticsParams) bool { return p.Diagnostics != nil && len(p.Diagnostics) == 0 })
	if text := c.storedText(u).Text; text != "{ a = 1; }" {
		t.Errorf("stored text %q after the second didOpen", text)
	}
}
