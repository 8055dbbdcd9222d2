package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// jsonSystem is one system in `systems --format json`.
type jsonSystem struct {
	Name        string      `json:"name"`
	Wiring      string      `json:"wiring"`
	Kind        string      `json:"kind"`
	File        string      `json:"file"`
	Line        int         `json:"line"`
	Parent      string      `json:"parent,omitempty"`
	Role        string      `json:"role"`
	GuestEnable *bool       `json:"guestEnable"`
	HostEnable  *bool       `json:"hostEnable"`
	Closure     string      `json:"closure"`
	Unknown     []jsonPlace `json:"unknown"`
	Guests      []jsonGuest `json:"guests"`
}

type jsonPlace struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

type jsonGuest struct {
	Name   string `json:"name"`
	Source string `json:"source"`
	Role   string `json:"role,omitempty"`
}

var systemsHelp = help{
	usage: "microvm-lsp systems [flags] [PATH...]",
	about: `
Lists the NixOS systems that the Nix files below PATH (the default is .)
declare, as the language server sees them: each system's name, how it is
built (nixosSystem, flake-parts, snowfall, digga, flake-utils-plus, colmena,
clan, easy-hosts, ez-configs, readDir and haumea maps), its
role for microvm.nix (the modules host, microvm, microvm-options it imports),
also nix-darwin systems (kind darwin) and standalone home-manager
configurations (kind home), whose role is always none,
literal microvm.guest.enable and microvm.host.enable, whether its closure of
modules is complete or partial (with the places not followed), and the
guests a host declares in microvm.vms. A module taken from a flake input
(inputs.X.nixosModules.Y, inputs.X + "/dir") is followed into X's source
when the flake.lock beside flake.nix pins it and it is in the Nix store
(--store-root for a store under another directory); when it is not, the
closure is partial there.

Text output is one line per system (FILE:LINE: name (wiring): role ...),
then its places not followed and its guests, indented. JSON is a list of
objects with name, wiring, kind, file, line, parent, role, guestEnable,
hostEnable, closure, unknown and guests.`,
	exit: `  0  the systems were listed (none found is not an error)
  2  usage error, or a file or directory could not be read`,
	examples: `  microvm-lsp systems                       the flake in the current directory
  microvm-lsp systems --format json ~/nixos-config
  microvm-lsp systems --all .               with nixosSystem calls never applied`,
}

func runSystems(args []string, stdout, stderr io.Writer) int {
	format := choiceFlag{"text", []string{"text", "json"}}
	fs := flag.NewFlagSet("systems", flag.ContinueOnError)
	fs.Var(&format, "format", "output `FORMAT`: text or json")
	storeRoot := fs.String("store-root", "", "the `DIR` the Nix store sits under, for the sources of flake inputs whose modules the systems import")
	all := fs.Bool("all", false, "also list templates: nixosSystem calls in functions the analysis never sees applied")
	paths, code, ok := parseFlags(fs, systemsHelp, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	names, err := collectNixFiles(paths)
	if err != nil {
		fmt.Fprintf(stderr, "microvm-lsp systems: %v\n", err)
		return 2
	}
	shown := map[string]string{} // workspace key → the name printed
	var keys []string
	var srcs [][]byte
	read, errs := readFiles(names)
	for i, name := range names {
		src, err := read[i], errs[i]
		if err != nil {
			fmt.Fprintf(stderr, "microvm-lsp systems: %v\n", err)
			return 2
		}
		abs, err := filepath.Abs(name)
		if err != nil {
			fmt.Fprintf(stderr, "microvm-lsp systems: %v\n", err)
			return 2
		}
		key := filepath.ToSlash(abs)
		if _, ok := shown[key]; !ok {
			keys, srcs = append(keys, key), append(srcs, src)
		}
		shown[key] = name
	}
	// As check does: most files kept as summaries, parsed on every core.
	cache := analysis.NewCache()
	files := make(map[string]*nixast.File, len(keys))
	for i, f := range prepareFiles(cache, keys, srcs) {
		files[keys[i]] = f
	}
	ws := cache.Workspace(files, nil)
	ws.Sources = inputSources(keys, *storeRoot)
	place := func(file string, pos int) jsonPlace {
		line := 0
		f := ws.At(file) // a summary keeps the line index
		if f == nil {
			f = ws.File(file) // a file of an input's source
		}
		if f != nil {
			line = f.Lines.Line(pos) + 1
		}
		name := shown[file]
		if name == "" {
			name = file
		}
		return jsonPlace{File: name, Line: line}
	}
	out := []jsonSystem{}
	for _, s := range cache.Systems(ws) {
		if s.Template && !*all {
			continue
		}
		p := place(s.File, s.Pos)
		js := jsonSystem{Name: s.Name, Wiring: s.Wiring, Kind: s.Kind, File: p.File, Line: p.Line, Parent: s.Parent,
			Role: s.Imports, GuestEnable: s.GuestEnable, HostEnable: s.HostEnable, Closure: "complete",
			Unknown: []jsonPlace{}, Guests: []jsonGuest{}}
		if s.Unknown {
			js.Closure = "partial"
		}
		for _, h := range s.UnknownAt {
			js.Unknown = append(js.Unknown, place(h.File, h.Pos))
		}
		for _, g := range s.Guests {
			js.Guests = append(js.Guests, jsonGuest{Name: g.Name, Source: g.Source, Role: g.Imports})
		}
		out = append(out, js)
	}
	if format.value == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
		return 0
	}
	for _, s := range out {
		fmt.Fprintf(stdout, "%s:%d: %s (%s", s.File, s.Line, s.Name, s.Wiring)
		if s.Parent != "" {
			fmt.Fprintf(stdout, " in %s", s.Parent)
		}
		fmt.Fprintf(stdout, "): role %s", s.Role)
		switch s.Kind {
		case analysis.KindDarwin:
			fmt.Fprint(stdout, " (a nix-darwin system)")
		case analysis.KindHome:
			fmt.Fprint(stdout, " (a home-manager configuration)")
		}
		for _, e := range []struct {
			name string
			v    *bool
		}{{"guest.enable", s.GuestEnable}, {"host.enable", s.HostEnable}} {
			if e.v != nil {
				fmt.Fprintf(stdout, ", %s = %t", e.name, *e.v)
			}
		}
		fmt.Fprintf(stdout, ", closure %s\n", s.Closure)
		for _, u := range s.Unknown {
			fmt.Fprintf(stdout, "    not followed: %s:%d\n", u.File, u.Line)
		}
		for _, g := range s.Guests {
			role := g.Role
			if role == "" {
				role = "not known"
			}
			fmt.Fprintf(stdout, "    guest %s (%s): role %s\n", g.Name, g.Source, role)
		}
	}
	if len(out) == 0 {
		fmt.Fprintf(stdout, "no NixOS system found below %s\n", strings.Join(paths, ", "))
	}
	return 0
}
