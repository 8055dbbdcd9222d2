package server

import (
	"os"
	"sync"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/optindex"
	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
)

// optionSources finds the microvm.nix a workspace's flake.lock pins and
// keeps its option facts: the index of the source in the Nix store (under
// the storeRoot setting), or nil for the index built in when the source is
// absent, which is said once per source.
type optionSources struct {
	mu     sync.Mutex
	key    string // folder and store root the facts are for
	facts  *microvm.Facts
	absent []string // inputs whose pinned source is absent
	cache  *optindex.Cache
	warned map[string]bool
}

// microvmFacts returns the option facts of the first workspace folder's
// pinned microvm.nix, nil for the built-in index.
func (s *Server) microvmFacts() *microvm.Facts {
	folders := s.index.folderList()
	s.mu.Lock()
	root := s.settings.StoreRoot
	s.mu.Unlock()
	if len(folders) == 0 {
		return nil
	}
	o := &s.options
	o.mu.Lock()
	defer o.mu.Unlock()
	key := folders[0] + "\x00" + root
	if o.key == key {
		return o.facts
	}
	o.key, o.facts, o.absent = key, nil, nil
	if o.cache == nil {
		o.cache = optindex.NewCache("")
	}
	facts, src, err := microvm.Pinned(folders[0], nixstore.Default(root), os.Getenv("NIX_PATH"), o.cache)
	if err != nil {
		s.log.Debug("no option index of the pinned microvm.nix", zap.Error(err))
		return nil
	}
	if src != nil {
		o.absent = []string{src.Input}
		if o.warned == nil {
			o.warned = map[string]bool{}
		}
		if !o.warned[src.Ref] {
			o.warned[src.Ref] = true
			e := microvm.Embedded()
			s.notifyClient("window/showMessage", &protocol.ShowMessageParams{Type: protocol.MessageTypeInfo,
				Message: "microvm-lsp: the microvm.nix that flake.lock pins (input " + src.Input + ", " + src.Ref +
					") is not in the Nix store; options are checked against " + e.Origin() +
					". `nix flake archive` puts the pinned sources in the store."})
		}
	}
	o.facts = facts
	return facts
}

// absentInputs returns the inputs whose pinned source microvmFacts found
// absent.
func (s *Server) absentInputs() []string {
	s.microvmFacts()
	s.options.mu.Lock()
	defer s.options.mu.Unlock()
	return s.options.absent
}
