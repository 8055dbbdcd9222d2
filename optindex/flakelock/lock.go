// Package flakelock reads flake.lock files (versions 5 to 7): the locked
// inputs of a flake, the follows paths between them and their subdirectories.
// It never fetches and never runs Nix. It imports only the standard library
// and internal/readfile.
package flakelock

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/internal/readfile"
)

// Lock is a parsed flake.lock.
type Lock struct {
	Version int
	Root    string           // the key of the root node
	Nodes   map[string]*Node // by key
}

// Node is one node of the lock graph: a locked input and its own inputs.
type Node struct {
	Inputs   map[string]Input
	Locked   *Ref // nil for the root node
	Original *Ref
	// Flake is false for an input declared with flake = false.
	Flake bool
}

// Input is an edge of the lock graph: either a node key or a follows path,
// a list of input names starting from the root (inputs.a.follows = "b/c").
type Input struct {
	Node    string
	Follows []string // set when the input follows another; Node is then ""
}

// Ref is a locked or original flake reference as flake.lock stores it.
type Ref struct {
	Type         string // github, gitlab, sourcehut, git, path, tarball, file, mercurial, indirect
	Owner        string
	Repo         string
	Host         string
	URL          string
	Path         string
	Rev          string
	Ref          string
	Dir          string // a subdirectory holding flake.nix ("dir=" in a URL)
	NarHash      string // SRI, e.g. sha256-...
	Name         string // locked.name: the store path's name when it is not "source"
	LastModified int64

	id string // an indirect reference's flake id
}

// StoreName is the name part of the store path a locked input lands in.
func (r *Ref) StoreName() string {
	if r.Name != "" {
		return r.Name
	}
	return "source"
}

// String is the reference in Nix's URL-like syntax, for messages.
func (r *Ref) String() string {
	var b strings.Builder
	switch r.Type {
	case "github", "gitlab", "sourcehut":
		b.WriteString(r.Type + ":" + r.Owner + "/" + r.Repo)
		if r.Rev != "" {
			b.WriteString("/" + r.Rev)
		} else if r.Ref != "" {
			b.WriteString("/" + r.Ref)
		}
	case "path":
		b.WriteString("path:" + r.Path)
	case "indirect":
		b.WriteString("flake:" + r.ID())
	default:
		url, _, _ := strings.Cut(r.URL, "?") // dir= is added below
		b.WriteString(r.Type + "+" + url)
		if r.Type == "tarball" || r.Type == "file" {
			b.Reset()
			b.WriteString(url)
		}
		if r.Rev != "" {
			b.WriteString("?rev=" + r.Rev)
		}
	}
	if r.Dir != "" {
		if strings.Contains(b.String(), "?") {
			b.WriteString("&dir=" + r.Dir)
		} else {
			b.WriteString("?dir=" + r.Dir)
		}
	}
	return b.String()
}

// ID is an indirect reference's flake id (the registry name); empty otherwise.
func (r *Ref) ID() string { return r.id }

// maxLockSize bounds the flake.lock Read reads: a lock of a thousand inputs
// is about a megabyte.
const maxLockSize = 64 << 20

// Read parses the flake.lock at path. Only a regular file is read, up to
// maxLockSize: a workspace may hold anything under that name, and a link to
// /dev/zero was read until memory ran out (a FIFO: forever).
func Read(path string) (*Lock, error) {
	data, err := readfile.Regular(path, nil, maxLockSize)
	if err != nil {
		return nil, err
	}
	l, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// Parse parses a flake.lock's text. Versions other than 5 to 7 are errors.
func Parse(data []byte) (*Lock, error) {
	var raw struct {
		Version int                        `json:"version"`
		Root    string                     `json:"root"`
		Nodes   map[string]json.RawMessage `json:"nodes"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("flake.lock is not valid JSON: %v", err)
	}
	if raw.Version < 5 || raw.Version > 7 {
		return nil, fmt.Errorf("flake.lock version %d is not supported (5 to 7 are)", raw.Version)
	}
	if raw.Root == "" {
		raw.Root = "root"
	}
	l := &Lock{Version: raw.Version, Root: raw.Root, Nodes: make(map[string]*Node, len(raw.Nodes))}
	for key, msg := range raw.Nodes {
		n, err := parseNode(msg)
		if err != nil {
			return nil, fmt.Errorf("node %q: %v", key, err)
		}
		l.Nodes[key] = n
	}
	if l.Nodes[l.Root] == nil {
		return nil, fmt.Errorf("flake.lock has no root node %q", l.Root)
	}
	return l, nil
}

func parseNode(msg json.RawMessage) (*Node, error) {
	var raw struct {
		Inputs   map[string]json.RawMessage `json:"inputs"`
		Locked   map[string]any             `json:"locked"`
		Original map[string]any             `json:"original"`
		Flake    *bool                      `json:"flake"`
	}
	if err := json.Unmarshal(msg, &raw); err != nil {
		return nil, err
	}
	n := &Node{Inputs: make(map[string]Input, len(raw.Inputs)), Flake: raw.Flake == nil || *raw.Flake}
	for name, in := range raw.Inputs {
		var key string
		if json.Unmarshal(in, &key) == nil {
			n.Inputs[name] = Input{Node: key}
			continue
		}
		var path []string
		if err := json.Unmarshal(in, &path); err != nil {
			return nil, fmt.Errorf("input %q is neither a node key nor a follows path", name)
		}
		n.Inputs[name] = Input{Follows: path}
	}
	if raw.Locked != nil {
		r, err := parseRef(raw.Locked)
		if err != nil {
			return nil, fmt.Errorf("locked: %v", err)
		}
		n.Locked = r
	}
	if raw.Original != nil {
		r, err := parseRef(raw.Original)
		if err != nil {
			return nil, fmt.Errorf("original: %v", err)
		}
		n.Original = r
	}
	return n, nil
}

func parseRef(m map[string]any) (*Ref, error) {
	str := func(k string) string {
		switch v := m[k].(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}
	r := &Ref{
		Type: str("type"), Owner: str("owner"), Repo: str("repo"), Host: str("host"), URL: str("url"),
		Path: str("path"), Rev: str("rev"), Ref: str("ref"), Dir: str("dir"), NarHash: str("narHash"),
		Name: str("name"), id: str("id"),
	}
	if v, ok := m["lastModified"].(float64); ok {
		r.LastModified = int64(v)
	}
	if r.Type == "" {
		return nil, errors.New("no type")
	}
	if r.Dir == "" && r.URL != "" {
		// Older locks keep dir= inside the URL.
		if i := strings.Index(r.URL, "?"); i >= 0 {
			for _, kv := range strings.Split(r.URL[i+1:], "&") {
				if v, ok := strings.CutPrefix(kv, "dir="); ok {
					r.Dir = v
				}
			}
		}
	}
	return r, nil
}

// Resolve returns the key of the node that the input path (input names from
// the root: "microvm", then "microvm/nixpkgs") leads to, following follows
// paths. A cycle or a missing input is an error.
func (l *Lock) Resolve(path []string) (string, error) {
	return l.resolve(path, 0, map[string]*resolved{})
}

// resolved is a follows path's result, kept for the rest of one Resolve:
// each segment of a path that follows others starts again from the root,
// and a lock whose follows paths lead through each other twice took time
// exponential in their number (22 levels: a second). done is false while
// the path is being resolved: met again then, it follows itself.
type resolved struct {
	key  string
	err  error
	done bool
}

func (l *Lock) resolve(path []string, depth int, memo map[string]*resolved) (string, error) {
	if depth > 64 {
		return "", fmt.Errorf("follows paths loop at %q", strings.Join(path, "/"))
	}
	key := l.Root
	for i, name := range path {
		n := l.Nodes[key]
		if n == nil {
			return "", fmt.Errorf("no node %q", key)
		}
		in, ok := n.Inputs[name]
		if !ok {
			return "", fmt.Errorf("no input %q", strings.Join(path[:i+1], "/"))
		}
		if in.Follows != nil {
			k, err := l.follow(in.Follows, depth+1, memo)
			if err != nil {
				return "", err
			}
			key = k
			continue
		}
		key = in.Node
	}
	if l.Nodes[key] == nil {
		return "", fmt.Errorf("no node %q", key)
	}
	return key, nil
}

// follow resolves a follows path once per Resolve.
func (l *Lock) follow(path []string, depth int, memo map[string]*resolved) (string, error) {
	id := strings.Join(path, "\x00")
	if r := memo[id]; r != nil {
		if !r.done {
			return "", fmt.Errorf("follows paths loop at %q", strings.Join(path, "/"))
		}
		return r.key, r.err
	}
	r := &resolved{}
	memo[id] = r
	r.key, r.err = l.resolve(path, depth, memo)
	r.done = true
	return r.key, r.err
}

// Locked is a locked input reached from the root.
type Locked struct {
	Path  []string // input names from the root
	Node  string   // the node's key
	Ref   *Ref     // the node's locked reference
	Flake bool
}

// Name is the input path joined with "/", as Nix writes it.
func (x Locked) Name() string { return strings.Join(x.Path, "/") }

// RootInputs returns the root's direct inputs, sorted by name, with follows
// resolved. Inputs that cannot be resolved are left out.
func (l *Lock) RootInputs() []Locked {
	root := l.Nodes[l.Root]
	names := make([]string, 0, len(root.Inputs))
	for name := range root.Inputs {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []Locked
	for _, name := range names {
		key, err := l.Resolve([]string{name})
		if err != nil || l.Nodes[key].Locked == nil {
			continue
		}
		out = append(out, Locked{Path: []string{name}, Node: key, Ref: l.Nodes[key].Locked, Flake: l.Nodes[key].Flake})
	}
	return out
}
