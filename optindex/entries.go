package optindex

import (
	"os"
	"path/filepath"
)

// moduleOutputs are the flake outputs that hold modules, each an attribute
// set of modules; the singular forms hold one module.
var moduleOutputs = []string{"nixosModules", "homeManagerModules", "homeModules", "darwinModules", "flakeModules"}
var singleModuleOutputs = []string{"nixosModule", "homeManagerModule", "darwinModule", "flakeModule"}

func defaultEntries(root string) []string {
	flake := filepath.Join(root, "flake.nix")
	if _, err := os.Stat(flake); err == nil {
		b := newBuilder(root)
		out, ok := b.flakeOutputs(flake).(*vAttrs)
		var entries []string
		if ok {
			for _, o := range moduleOutputs {
				ent, ok := out.m[o]
				if !ok {
					continue
				}
				if mods, ok := b.force(ent.t).(*vAttrs); ok {
					for _, n := range sortedNames(mods) {
						entries = append(entries, "flake.nix#"+o+"."+ShowOption([]string{n}))
					}
				}
			}
			for _, o := range singleModuleOutputs {
				if _, ok := out.m[o]; ok {
					entries = append(entries, "flake.nix#"+o)
				}
			}
		}
		if len(entries) > 0 {
			return entries
		}
	}
	if _, err := os.Stat(filepath.Join(root, "default.nix")); err == nil {
		return []string{"default.nix"}
	}
	return nil
}
