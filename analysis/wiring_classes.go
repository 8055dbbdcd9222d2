package analysis

import (
	"github.com/microvm-lsp/microvm-lsp/optindex"
)

// Systems of the other module classes: nix-darwin systems
// (`darwinConfigurations.<n> = darwin.lib.darwinSystem { modules = …; }`)
// and standalone home-manager configurations
// (`homeConfigurations.<n> = home-manager.lib.homeManagerConfiguration { … }`).
// The graph finds them as it finds NixOS systems, but they are never
// microvm.nix hosts or guests: they leave the graph's NixOS systems (which
// the microvm checks read) for graph.others, which only the listing, the
// option checks (each system with the option indexes of its class) and
// not-a-module read (GraphPass.allSystems).

// Kinds of the systems of other classes.
const (
	KindDarwin = "darwin" // a nix-darwin system
	KindHome   = "home"   // a standalone home-manager configuration
)

// classCalls are the functions that build a system of a class other than
// NixOS, with the kind of system they make.
var classCalls = map[string]string{
	"darwinSystem":             KindDarwin,
	"homeManagerConfiguration": KindHome,
}

// configurationsAttrs are the flake outputs that hold systems by name.
var configurationsAttrs = map[string]bool{
	"nixosConfigurations": true, "darwinConfigurations": true, "homeConfigurations": true,
}

// The evaluator knows the calls by name, as it knows nixosSystem.
func init() {
	for name := range classCalls {
		knownFuncs[name] = true
		funcArity[name] = 1
	}
}

// wiringOfKind is the wiring of a system built by a direct call.
func wiringOfKind(kind string) string {
	switch kind {
	case KindDarwin:
		return "darwinSystem"
	case KindHome:
		return "homeManagerConfiguration"
	}
	return "nixosSystem"
}

// topLevelKind reports whether systems of a kind are declared by a call or
// a framework, rather than nested in another system or found as a file.
func topLevelKind(kind string) bool {
	return kind == "nixos" || kind == KindDarwin || kind == KindHome
}

// otherClass reports whether a system is of a class other than NixOS:
// never a microvm.nix host or guest.
func otherClass(s *System) bool {
	return s.Kind == KindDarwin || s.Kind == KindHome
}

// classOf is the option class of a system's modules.
func classOf(s *System) optindex.Class {
	switch s.Kind {
	case KindDarwin:
		return optindex.Darwin
	case KindHome:
		return optindex.HomeManager
	}
	return optindex.NixOS
}

// separateClasses moves the systems of other classes out of g.systems,
// which the microvm checks read, into g.others.
func (g *graph) separateClasses() {
	kept := g.systems[:0]
	g.others = nil
	for _, s := range g.systems {
		if otherClass(s) {
			g.others = append(g.others, s)
			continue
		}
		kept = append(kept, s)
	}
	g.systems = kept
}

// allSystems are the pass' systems with those of other classes: for the
// checks that are no microvm.nix's (option sets, module elements).
func (p *GraphPass) allSystems() []*System {
	if len(p.others) == 0 {
		return p.Systems
	}
	return append(p.Systems[:len(p.Systems):len(p.Systems)], p.others...)
}

// specialArgsAttr is the argument of a system call that gives its modules
// extra arguments: home-manager calls it extraSpecialArgs.
func specialArgsAttr(kind string) string {
	if kind == KindHome {
		return "extraSpecialArgs"
	}
	return "specialArgs"
}
