package analysis

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/microvm-lsp/microvm-lsp/internal/corpus"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func loadCorpus(b *testing.B, files, big int) *Workspace {
	dir := b.TempDir()
	if _, _, err := corpus.Write(dir, files, big, 100); err != nil {
		b.Fatal(err)
	}
	ws := &Workspace{Files: map[string]*nixast.File{}}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			src, _ := os.ReadFile(p)
			ws.Files[p] = nixast.Parse(p, src)
		}
		return nil
	})
	return ws
}

func BenchmarkAnalyze1000Files(b *testing.B) {
	ws := loadCorpus(b, 1000, 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Analyze(ws, Config{})
	}
}

func BenchmarkAnalyzePackageSet(b *testing.B) {
	ws := loadCorpus(b, 0, 1500000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Analyze(ws, Config{})
	}
}

// BenchmarkStopSupersededAnalysis measures how long a cold analysis of
// 2,000 files takes to return once its context is cancelled some time in
// (ms-to-stop), against the whole analysis (BenchmarkAnalyze1000Files).
func BenchmarkStopSupersededAnalysis(b *testing.B) {
	ws := loadCorpus(b, 2000, 0)
	for _, after := range []time.Duration{20 * time.Millisecond, 300 * time.Millisecond} {
		b.Run("after="+after.String(), func(b *testing.B) {
			var stop time.Duration
			for i := 0; i < b.N; i++ {
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				go func() {
					_, err := NewCache().AnalyzeFiles(ctx, ws, Config{})
					done <- err
				}()
				time.Sleep(after)
				start := time.Now()
				cancel()
				if err := <-done; err == nil {
					b.Fatal("the analysis ended before it was cancelled")
				}
				stop += time.Since(start)
			}
			b.ReportMetric(float64(stop.Microseconds())/1000/float64(b.N), "ms-to-stop")
		})
	}
}

// sharedModuleWorkspace is a flake whose hosts.nix declares hosts NixOS
// systems, each importing its own small module and one shared.nix of about
// lines lines: an edit of shared.nix rescans every system.
func sharedModuleWorkspace(hosts, lines int) *Workspace {
	var hostsNix, shared strings.Builder
	ws := &Workspace{Files: map[string]*nixast.File{}}
	add := func(p, src string) { ws.Files[p] = nixast.Parse(p, []byte(src)) }
	add("/ws/flake.nix", `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm }@inputs: import ./hosts.nix inputs;
}
`)
	hostsNix.WriteString("{ nixpkgs, microvm, ... }:\n{\n  nixosConfigurations = {\n")
	for i := range hosts {
		fmt.Fprintf(&hostsNix, "    h%03d = nixpkgs.lib.nixosSystem { modules = [ microvm.nixosModules.host ./hosts/h%03d.nix ]; };\n", i, i)
		add(fmt.Sprintf("/ws/hosts/h%03d.nix", i), fmt.Sprintf("{ ... }:\n{\n  imports = [ ../shared.nix ];\n  networking.hostName = \"h%03d\";\n}\n", i))
	}
	hostsNix.WriteString("  };\n}\n")
	add("/ws/hosts.nix", hostsNix.String())
	shared.WriteString("{ config, lib, pkgs, ... }:\n{\n")
	for i := 0; i < lines/4; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&shared, "  services.svc%d = {\n    enable = true;\n    port = %d;\n  };\n", i, 8000+i)
		case 1:
			fmt.Fprintf(&shared, "  users.users.user%d = { isNormalUser = true; extraGroups = [ \"wheel\" ]; };\n", i)
		case 2:
			fmt.Fprintf(&shared, "  environment.etc.\"conf%d\".text = \"key = ${config.networking.hostName}\";\n", i)
		default:
			fmt.Fprintf(&shared, "  fileSystems.\"/data%d\" = { device = \"/dev/disk/by-label/d%d\"; fsType = \"ext4\"; };\n", i, i)
		}
	}
	shared.WriteString("}\n")
	add("/ws/shared.nix", shared.String())
	return ws
}

// BenchmarkEditSharedModule is a keystroke in a module that 200 systems
// import, after the workspace's first analysis: every system that reads
// it is scanned again.
func BenchmarkEditSharedModule(b *testing.B) {
	ws := sharedModuleWorkspace(200, 300)
	c := NewCache()
	if _, err := c.AnalyzeFiles(context.Background(), ws, Config{}); err != nil {
		b.Fatal(err)
	}
	src := string(ws.Files["/ws/shared.nix"].Src)
	at := strings.Index(src, "  users.users.user1 ")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Alternate between two versions, as typing and deleting a letter do.
		edited := src
		if i%2 == 0 {
			edited = src[:at] + "  services.extra.enable = true;\n" + src[at:]
		}
		next := &Workspace{Files: ws.Files, Open: map[string]*nixast.File{
			"/ws/shared.nix": nixast.Parse("/ws/shared.nix", []byte(edited)),
		}}
		if _, err := c.AnalyzeFiles(context.Background(), next, Config{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEditPackageSet is a keystroke in a 1.5 MB package set, after
// the workspace's first analysis: the file is parsed again as the server
// does (Reparse) and its own checks run again.
func BenchmarkEditPackageSet(b *testing.B) {
	ws := loadCorpus(b, 0, 1500000)
	var path string
	for p := range ws.Files {
		path = p
	}
	c := NewCache()
	if _, err := c.AnalyzeFiles(context.Background(), ws, Config{}); err != nil {
		b.Fatal(err)
	}
	f := ws.Files[path]
	src := string(f.Src)
	at := strings.LastIndex(src[:len(src)/2], "\n") + 1
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		edited := src
		if i%2 == 0 {
			edited = src[:at] + "  extra = 1;\n" + src[at:]
		}
		f = nixast.Reparse(f, path, []byte(edited))
		next := &Workspace{Files: ws.Files, Open: map[string]*nixast.File{path: f}}
		if _, err := c.AnalyzeFiles(context.Background(), next, Config{}); err != nil {
			b.Fatal(err)
		}
	}
}
