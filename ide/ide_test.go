package ide

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// parseCursor parses src with its "|" cursor marker removed and returns the
// file and the cursor's offset.
func parseCursor(t *testing.T, src string) (*nixast.File, int) {
	t.Helper()
	off := strings.Index(src, "|")
	if off < 0 {
		t.Fatalf("no cursor marker in %q", src)
	}
	src = src[:off] + src[off+1:]
	return nixast.Parse("/ws/test.nix", []byte(src)), off
}

func TestHover(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // substrings of the markdown; nil: no hover
	}{
		{"builtin global", `|map (x: x) [ ]`, []string{"map f list", "Applies f"}},
		{"builtin by its __ name", `|__add 1 2`, []string{"add e1 e2", "sum"}},
		{"builtin select", `builtins.attr|Names { }`, []string{"attrNames set"}},
		{"option in nested set", `{ microvm = { hyper|visor = "qemu"; }; }`, []string{"microvm.hypervisor", "one of", `"qemu"`, "cloud-hypervisor", "nixosModules.microvm"}},
		{"option in path", `{ microvm.me|m = 512; }`, []string{"microvm.mem", "positive integer", "512"}},
		{"option in list element", `{ microvm.shares = [ { pro|to = "9p"; } ]; }`, []string{"microvm.shares.*.proto", "virtiofs", "`\"9p\"`: qemu, crosvm, kvmtool, openvmm"}},
		{"option under config", `{ config, ... }: { config.microvm.vc|pu = 2; }`, []string{"microvm.vcpu"}},
		{"option in vm config", `{ microvm.vms.a.config = { microvm.hypervisor = "qemu"; microvm.mem| = 1; }; }`, []string{"microvm.mem"}},
		{"host option", `{ microvm.vms.my.aut|ostart = true; }`, []string{"microvm.vms.<name>.autostart", "boolean", "nixosModules.host"}},
		{"option select", `{ config, ... }: { x = config.microvm.hyper|visor; }`, []string{"microvm.hypervisor"}},
		{"let binding with doc", "let\n  /** The answer. */\n  x = 42;\nin |x", []string{"let binding", "line 3", "The answer.", "x = 42"}},
		{"formal", `{ pkgs, ... }: pk|gs`, []string{"formal parameter"}},
		{"guest module without analysis", `{ imports = [ inputs.microvm.nixosModules.micro|vm ]; }`, []string{"guest", "system.switch.enable", "grub", "nix-daemon", "erofs", "machine-id"}},
		{"host module without analysis", `[ microvm.nixosModules.h|ost ]`, []string{"host"}},
		{"not an option", `{ foo.ba|r = 1; }`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, off := parseCursor(t, tt.src)
			h := Hover(&Workspace{}, f, off)
			if tt.want == nil {
				if h != nil {
					t.Fatalf("want no hover, got %q", h.Markdown)
				}
				return
			}
			if h == nil {
				t.Fatal("no hover")
			}
			for _, w := range tt.want {
				if !strings.Contains(h.Markdown, w) {
					t.Errorf("hover lacks %q:\n%s", w, h.Markdown)
				}
			}
			if !(h.Pos <= off && off <= h.End) {
				t.Errorf("range %v does not hold the cursor %d", h.Range, off)
			}
		})
	}
}

func labels(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Label)
	}
	return out
}

func TestComplete(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
		not       []string
	}{
		{"keywords and names", `let foo = 1; in f|`, []string{"foo", "fetchTarball"}, []string{"let", "map"}},
		{"keywords", `let foo = 1; in |`, []string{"let", "with", "foo", "map", "builtins"}, nil},
		{"formals", `{ pkgs, lib, ... }: { x = p|; }`, []string{"pkgs"}, []string{"lib"}},
		{"builtins dot", `builtins.at|`, []string{"attrNames", "attrValues"}, []string{"map"}},
		{"option in nested set", `{ microvm = { hyp| }; }`, []string{"hypervisor"}, []string{"mem"}},
		{"option empty set", `{ microvm = { | }; }`, []string{"hypervisor", "mem", "shares", "vms"}, nil},
		{"option in list element", `{ microvm.shares = [ { pro| } ]; }`, []string{"proto"}, []string{"tag"}},
		{"option after dot", `{ microvm.| }`, []string{"hypervisor", "mem"}, nil},
		{"deep option after dot", `{ microvm.vsock.| }`, []string{"cid", "ssh"}, []string{"mem"}},
		{"enum value", `{ microvm.hypervisor = "|"; }`, []string{"qemu", "firecracker", "cloud-hypervisor"}, nil},
		{"enum value nested", `{ microvm = { shares = [ { proto = "v|"; } ]; }; }`, []string{"9p", "virtiofs"}, nil},
		{"modules", `{ imports = [ inputs.microvm.nixosModules.| ]; }`, []string{"host", "microvm", "microvm-options"}, nil},
		{"select option", `{ config, ... }: { x = config.microvm.| ; }`, []string{"hypervisor"}, nil},
		{"top-level microvm", `{ config, ... }: { mi| }`, []string{"microvm"}, nil},
		{"while typing a value", "let alpha = 1; beta = al|", []string{"alpha"}, nil},
		{"while typing under with", "{ pkgs, ... }: with pkgs; [ p|", []string{"pkgs"}, nil},
		{"globals are Nix's", `let x = fetch|`, []string{"fetchTarball", "fetchGit"}, []string{"fetchurl"}},
		{"quoted key binds", `let "gamma" = 1; in gam|`, []string{"gamma"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, off := parseCursor(t, tt.src)
			got := labels(Complete(&Workspace{}, f, off))
			set := map[string]bool{}
			for _, g := range got {
				set[g] = true
			}
			for _, w := range tt.want {
				if !set[w] {
					t.Errorf("missing %q in %v", w, got)
				}
			}
			for _, w := range tt.not {
				if set[w] {
					t.Errorf("unexpected %q in %v", w, got)
				}
			}
		})
	}
}

// Enclosing finds, at every offset of the parser's corpus, the chain of
// nodes a walk over each node's children (nixast.Children) finds: the first
// child that contains the offset, else the first that ends at it.
func TestEnclosingFollowsChildren(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/parse/*/*.nix")
	if len(paths) < 100 {
		t.Fatalf("%d files in the corpus", len(paths))
	}
	want := func(f *nixast.File, off int) []nixast.Node {
		var out []nixast.Node
		kids := []nixast.Node{f.Root}
		for _, t := range f.Trailing {
			kids = append(kids, t)
		}
		for {
			var hit, touching nixast.Node
			for _, c := range kids {
				if p, e := c.Pos(), c.End(); p <= off && off < e {
					hit = c
					break
				} else if e == off && p < e && touching == nil {
					touching = c
				}
			}
			if hit == nil {
				hit = touching
			}
			if hit == nil {
				return out
			}
			out = append(out, hit)
			kids = nixast.Children(hit)
		}
	}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f := nixast.Parse(p, src)
		for off := 0; off <= len(src); off += 1 + len(src)/200 {
			if got, w := Enclosing(f, off), want(f, off); !slices.Equal(got, w) {
				t.Fatalf("%s at %d: %d nodes, want %d", p, off, len(got), len(w))
			}
		}
	}
}
