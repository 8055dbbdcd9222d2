package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
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

func runSystems(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("systems", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	all := fs.Bool("all", false, "also list templates: nixosSystem calls in functions the analysis never sees applied")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "microvm-lsp systems: unknown format %q (text or json)\n", *format)
		return 2
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	names, err := collectNixFiles(paths)
	if err != nil {
		fmt.Fprintf(stderr, "microvm-lsp systems: %v\n", err)
		return 2
	}
	ws := &analysis.Workspace{Files: map[string]*nixast.File{}}
	shown := map[string]string{} // workspace key → the name printed
	for _, name := range names {
		src, err := os.ReadFile(name)
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
		ws.Files[key] = nixast.Parse(key, src)
		shown[key] = name
	}
	place := func(file string, pos int) jsonPlace {
		line := 0
		if f := ws.Files[file]; f != nil {
			line = f.Lines.Line(pos) + 1
		}
		name := shown[file]
		if name == "" {
			name = file
		}
		return jsonPlace{File: name, Line: line}
	}
	out := []jsonSystem{}
	for _, s := range analysis.Systems(ws) {
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
	if *format == "json" {
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
