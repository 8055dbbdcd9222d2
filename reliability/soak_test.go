package reliability

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// soakHost is the module of one host: it imports the guest module by
// mistake (a role conflict) and defines a VM.
const soakHost = `{ inputs, ... }:
{
  imports = [
    ./hardware-configuration.nix
    inputs.microvm.nixosModules.microvm
  ];
  networking.hostName = "h%d";
  microvm.vms.web.config = {
    microvm.hypervisor = "cloud-hypervisor";
  };
}
`

func soakWorkspace(t *testing.T, hosts int) (dir string, files map[string]string) {
	dir = t.TempDir()
	var configs strings.Builder
	files = map[string]string{}
	for i := 0; i < hosts; i++ {
		fmt.Fprintf(&configs, "    nixosConfigurations.h%d = nixpkgs.lib.nixosSystem {\n      specialArgs = { inherit inputs; };\n      modules = [ microvm.nixosModules.host ./hosts/h%d ];\n    };\n", i, i)
		files[fmt.Sprintf("hosts/h%d/default.nix", i)] = fmt.Sprintf(soakHost, i)
		files[fmt.Sprintf("hosts/h%d/hardware-configuration.nix", i)] = "{ fileSystems.\"/\".device = \"/dev/sda1\"; }\n"
	}
	files["flake.nix"] = "{\n  inputs.microvm.url = \"github:microvm-nix/microvm.nix\";\n  outputs = { self, nixpkgs, microvm, ... }@inputs: {\n" + configs.String() + "  };\n}\n"
	writeFiles(t, dir, files)
	return dir, files
}

// TestSoak sends 10,000 edits at full speed across 20 open documents while
// asking for code actions and pull diagnostics, then checks: every request
// was answered without error, the texts match, no goroutine leaked, memory
// stayed bounded, and the diagnostics equal those of a fresh server given
// the final texts.
func TestSoak(t *testing.T) {
	const docs, edits = 20, 10000
	dir, files := soakWorkspace(t, docs-1)
	s := startServer(t, startOptions{})
	s.initialize(dir)
	s.waitUntil("the end of indexing", s.progressEndedLocked)

	var uris []string
	models := map[string]*model{}
	versions := map[string]int{}
	for name, text := range files {
		if strings.HasSuffix(name, "hardware-configuration.nix") {
			continue
		}
		u := fileURI(filepath.Join(dir, name))
		uris = append(uris, u)
		models[u] = newModel(text)
		versions[u] = 1
		s.open(u, text)
	}
	if len(uris) != docs {
		t.Fatalf("%d documents, want %d", len(uris), docs)
	}
	for _, u := range uris {
		s.codeActions(u, mkRange(0, 0, 100, 0))
	}
	base := s.stats()
	t.Logf("before: %d goroutines, heap %d KiB", base.Goroutines, base.HeapAlloc>>10)

	rnd := rand.New(rand.NewSource(8))
	snippets := []string{" ", "\n", "# x\n", "a", "é", "😀", "  networking.domain = \"d\";\n", "inputs.microvm.nixosModules.host ", "{", "}", ";"}
	type pending struct {
		method string
		ch     <-chan message
	}
	var waits []pending
	start := time.Now()
	for i := 0; i < edits; i++ {
		u := uris[rnd.Intn(len(uris))]
		m := models[u]
		offsets := m.lineOffsets()
		line := rnd.Intn(len(offsets))
		a := pos{line, rnd.Intn(m.lineWidth(offsets, line) + 1)}
		b := a
		text := ""
		if len(m.u) < 600 && rnd.Intn(3) > 0 || len(m.u) < 200 {
			text = snippets[rnd.Intn(len(snippets))]
		} else {
			b.Character += 1 + rnd.Intn(4)
		}
		r := rng{a, b}
		m.apply(r, text)
		versions[u]++
		s.change(u, versions[u], map[string]any{"range": r, "text": text})
		switch i % 50 {
		case 0:
			_, ch := s.request("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": u}, "range": r, "context": map[string]any{"diagnostics": []any{}}})
			waits = append(waits, pending{"codeAction", ch})
		case 25:
			_, ch := s.request("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": u}})
			waits = append(waits, pending{"diagnostic", ch})
		}
	}
	for _, w := range waits {
		select {
		case m := <-w.ch:
			if m.Error != nil {
				t.Errorf("%s during the soak: %v", w.method, m.Error)
			}
		case <-time.After(timeout):
			t.Fatalf("%s during the soak: no answer", w.method)
		}
	}
	t.Logf("%d edits and %d requests in %v", edits, len(waits), time.Since(start))

	for _, u := range uris {
		if got := s.documentText(u); got.Text != models[u].text() || got.Version != versions[u] {
			t.Fatalf("%s: server holds v%d %q, client v%d %q", u, got.Version, got.Text, versions[u], models[u].text())
		}
	}

	// No leak: once the work is done the goroutines are back to where
	// they were (give stragglers, such as cancelled timers, a moment).
	var after stats
	deadline := time.Now().Add(5 * time.Second)
	for {
		after = s.stats()
		if after.Goroutines <= base.Goroutines+2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("after: %d goroutines, heap %d KiB", after.Goroutines, after.HeapAlloc>>10)
	if after.Goroutines > base.Goroutines+2 {
		t.Errorf("goroutines: %d before the soak, %d after", base.Goroutines, after.Goroutines)
	}
	if after.HeapAlloc > base.HeapAlloc+64<<20 {
		t.Errorf("heap: %d KiB before the soak, %d KiB after", base.HeapAlloc>>10, after.HeapAlloc>>10)
	}

	// The diagnostics equal a fresh analysis of the final texts: a second
	// server that is only given them.
	fresh := startServer(t, startOptions{})
	fresh.initialize(dir)
	fresh.waitUntil("the end of indexing", fresh.progressEndedLocked)
	for _, u := range uris {
		fresh.open(u, models[u].text())
	}
	withFindings := 0
	for _, u := range uris {
		got, want := pullDiagnostics(t, s, u), pullDiagnostics(t, fresh, u)
		if want != "" {
			withFindings++
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: diagnostics after the soak\n%s\nfresh analysis\n%s", u, got, want)
		}
		// What was pushed last is the same, for the final version.
		s.waitUntil("pushed diagnostics of the final version", func() bool {
			var p struct {
				Version     int             `json:"version"`
				Diagnostics json.RawMessage `json:"diagnostics"`
			}
			if s.diags[u] == nil {
				return len(want) == 0
			}
			json.Unmarshal(s.diags[u], &p)
			return p.Version == versions[u] && canonical(p.Diagnostics) == want
		})
	}
	if withFindings == 0 {
		t.Error("no document has diagnostics after the soak: the comparison checked nothing")
	}
	t.Logf("%d of %d documents have diagnostics", withFindings, len(uris))
	s.shutdown()
}

// pullDiagnostics returns a document's diagnostics as canonical JSON.
func pullDiagnostics(t *testing.T, s *server, u string) string {
	t.Helper()
	var report struct {
		Items json.RawMessage `json:"items"`
	}
	s.callOK("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": u}}, &report)
	return canonical(report.Items)
}

func canonical(raw json.RawMessage) string {
	var v any
	json.Unmarshal(raw, &v)
	if l, ok := v.([]any); ok && len(l) == 0 {
		return ""
	}
	if v == nil {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}
