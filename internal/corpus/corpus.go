// Package corpus generates realistic Nix source for benchmarks: NixOS
// modules, flakes with microvm.nix systems, package expressions and an
// all-packages-style package set. Output is deterministic for a given seed.
package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// PackageSet returns an all-packages-style file of about size bytes.
func PackageSet(size int) []byte {
	var b strings.Builder
	b.Grow(size + 1024)
	b.WriteString("{ lib, stdenv, fetchurl, callPackage, config ? { } }:\n\nlet\n  inherit (lib) optional optionals;\n  mk = name: attrs: stdenv.mkDerivation ({ pname = name; } // attrs);\nin\nrec {\n")
	for i := 0; b.Len() < size; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "  pkg%d = callPackage ./pkgs/pkg%d { };\n", i, i)
		case 1:
			fmt.Fprintf(&b, "  /** Package %d, built from source. */\n  pkg%d = mk \"pkg%d\" rec {\n    version = \"1.%d.0\";\n    src = fetchurl {\n      url = \"https://example.org/pkg%d-${version}.tar.gz\";\n      hash = \"sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\";\n    };\n    buildInputs = [ pkg%d ] ++ optional stdenv.isLinux pkg%d;\n    meta.description = ''\n      Package number %d.\n    '';\n  };\n", i, i, i, i, i, i-1, i-1, i)
		case 2:
			fmt.Fprintf(&b, "  pkg%d = if config.enablePkg%d or false then pkg%d.override { withX = true; } else null;\n", i, i, i-1)
		case 3:
			fmt.Fprintf(&b, "  pkg%d = lib.recurseIntoAttrs { a = pkg%d; b = x: x + %d * 2; inherit pkg%d; };\n", i, i-3, i, i-2)
		}
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// Module returns a NixOS module of about lines lines that imports the
// given relative paths.
func Module(i, lines int, imports []string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "{ config, lib, pkgs, ... }:\n\nlet\n  cfg = config.services.svc%d;\nin\n{\n  imports = [\n", i)
	for _, imp := range imports {
		fmt.Fprintf(&b, "    %s\n", imp)
	}
	fmt.Fprintf(&b, "  ];\n\n  options.services.svc%d = {\n    enable = lib.mkEnableOption \"service %d\";\n    port = lib.mkOption {\n      type = lib.types.port;\n      default = %d;\n    };\n  };\n\n  config = lib.mkIf cfg.enable {\n", i, i, 8000+i%1000)
	n := 0
	for strings.Count(b.String(), "\n") < lines-3 {
		fmt.Fprintf(&b, "    systemd.services.svc%d-worker%d = {\n      wantedBy = [ \"multi-user.target\" ];\n      serviceConfig.ExecStart = \"${pkgs.hello}/bin/hello --port ${toString cfg.port}\";\n      environment.WORKER = \"%d\";\n    };\n", i, n, n)
		n++
	}
	b.WriteString("  };\n}\n")
	return []byte(b.String())
}

// Hosts returns the files of n NixOS systems that share one module:
// hosts/hNNN.nix, each importing ../shared.nix, and hosts.nix, a function
// of a flake's inputs (as flakes import such files) that makes each a
// nixosSystem with microvm.nix's host module. An edit of shared.nix
// touches n systems.
func Hosts(n int) map[string][]byte {
	out := map[string][]byte{}
	var b strings.Builder
	b.WriteString("{ nixpkgs, microvm, ... }:\n{\n  nixosConfigurations = {\n")
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("h%03d", i)
		out["hosts/"+name+".nix"] = []byte(fmt.Sprintf("{ ... }:\n{\n  imports = [ ../shared.nix ];\n  networking.hostName = %q;\n}\n", name))
		fmt.Fprintf(&b, "    %s = nixpkgs.lib.nixosSystem { modules = [ microvm.nixosModules.host ./hosts/%s.nix ]; };\n", name, name)
	}
	b.WriteString("  };\n}\n")
	out["hosts.nix"] = []byte(b.String())
	return out
}

// Flake returns a flake with a host system using microvm.nix and one guest.
func Flake(i int, hostModule string) []byte {
	return []byte(fmt.Sprintf(`{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.microvm.url = "github:microvm-nix/microvm.nix";

  outputs = { self, nixpkgs, microvm, ... }@inputs: {
    nixosConfigurations.host%d = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      specialArgs = { inherit inputs; };
      modules = [
        microvm.nixosModules.host
        %s
        { boot.loader.grub.device = "/dev/sda"; }
      ];
    };
    nixosConfigurations.vm%d = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [ microvm.nixosModules.microvm { microvm.hypervisor = "qemu"; } ];
    };
  };
}
`, i, hostModule, i))
}

// Write writes a workspace of about files files below dir: groups of a
// flake and the modules its host imports, plus one package set of big bytes
// (none when big is 0). Modules are 60 to 360 lines long, times linesPct
// percent. It returns the number of files and bytes written.
func Write(dir string, files, big, linesPct int) (int, int64, error) {
	count, total := 0, int64(0)
	write := func(rel string, data []byte) error {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		count++
		total += int64(len(data))
		return os.WriteFile(p, data, 0o644)
	}
	if big > 0 {
		if err := write("all-packages.nix", PackageSet(big)); err != nil {
			return count, total, err
		}
	}
	for g := 0; count < files; g++ {
		base := fmt.Sprintf("group%04d", g)
		var imports []string
		for m := 0; m < 8 && count < files; m++ {
			rel := fmt.Sprintf("modules/m%d.nix", m)
			var sub []string
			if m > 0 {
				sub = []string{fmt.Sprintf("./m%d.nix", m-1)}
			}
			if err := write(filepath.Join(base, rel), Module(g*8+m, (60+(m*37)%300)*linesPct/100, sub)); err != nil {
				return count, total, err
			}
			imports = append(imports, "./"+rel)
		}
		if err := write(filepath.Join(base, "flake.nix"), Flake(g, strings.Join(imports, "\n        "))); err != nil {
			return count, total, err
		}
	}
	return count, total, nil
}

// LinkCopies hard-links the *.nix files below src into copies directories
// of dst (copy1, copy2...; straight into dst for one copy), and returns how
// many files and bytes that made.
func LinkCopies(src, dst string, copies int) (int, int64, error) {
	src, err := filepath.Abs(src)
	if err != nil {
		return 0, 0, err
	}
	n, size := 0, int64(0)
	for i := 1; i <= copies; i++ {
		to := dst
		if copies > 1 {
			to = filepath.Join(dst, fmt.Sprintf("copy%d", i))
		}
		err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			if !d.Type().IsRegular() || !strings.HasSuffix(p, ".nix") {
				return nil
			}
			rel, _ := filepath.Rel(src, p)
			target := filepath.Join(to, rel)
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := os.Link(p, target); err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			n++
			size += info.Size()
			return nil
		})
		if err != nil {
			return 0, 0, err
		}
	}
	return n, size, nil
}
