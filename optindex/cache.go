package optindex

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// cacheFormat changes whenever the extractor or Index's encoding changes, so
// that indexes built by an older extractor are not read.
const cacheFormat = "optindex-1"

// Cache builds indexes lazily, once per store path and entry list, and keeps
// them in memory and on disk. The files are shared between processes: each
// is written to a temporary file and renamed into place, and a store path's
// content never changes, so a file once present is always right.
type Cache struct {
	// Dir is the directory of the cache files; "" keeps indexes in memory
	// only.
	Dir string

	mu  sync.Mutex
	mem map[string]*cacheEntry
}

type cacheEntry struct {
	once sync.Once
	done atomic.Bool
	ix   *Index
	err  error
}

// NewCache returns a cache in dir, or in the user's cache directory
// (os.UserCacheDir()/microvm-lsp/options) when dir is "". Without a user
// cache directory, the cache keeps indexes in memory only.
func NewCache(dir string) *Cache {
	if dir == "" {
		if base, err := os.UserCacheDir(); err == nil {
			dir = filepath.Join(base, "microvm-lsp", "options")
		}
	}
	return &Cache{Dir: dir, mem: map[string]*cacheEntry{}}
}

// Index returns the index of a present source's modules reachable from
// entries (nil: DefaultEntries). A source outside the store (a path: input
// being edited) is built every time and never written to disk.
func (c *Cache) Index(src *Source, entries []string) (*Index, error) {
	if src.Absent != nil {
		return nil, src.Absent
	}
	if entries == nil {
		entries = DefaultEntries(src.Dir)
	}
	if src.StorePath == "" {
		return Build(src.Dir, entries)
	}
	key := cacheKey(src.StorePath, src.Dir, entries)
	c.mu.Lock()
	if c.mem == nil {
		c.mem = map[string]*cacheEntry{}
	}
	e := c.mem[key]
	if e == nil {
		e = &cacheEntry{}
		c.mem[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		defer e.done.Store(true)
		if ix, err := c.read(key); err == nil {
			ix.Root = src.Dir
			e.ix = ix
			return
		}
		e.ix, e.err = Build(src.Dir, entries)
		if e.err == nil {
			c.write(key, e.ix) // a cache that cannot be written only costs time
		}
	})
	return e.ix, e.err
}

// Ready reports whether Index would answer at once: the index of a store
// source is in memory, or the source is not in the store (built each time,
// small: a checkout being edited).
func (c *Cache) Ready(src *Source, entries []string) bool {
	if src.Absent != nil || src.StorePath == "" {
		return true
	}
	if entries == nil {
		entries = DefaultEntries(src.Dir)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.mem[cacheKey(src.StorePath, src.Dir, entries)]
	return e != nil && e.done.Load()
}

// cacheKey names a cache file: the store path's hash part stays readable.
func cacheKey(storePath, dir string, entries []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s", cacheFormat, storePath, dir, strings.Join(entries, "\x00"))
	base := filepath.Base(storePath)
	if i := strings.IndexByte(base, '-'); i > 0 {
		base = base[:i]
	}
	return base + "-" + hex.EncodeToString(h.Sum(nil))[:16] + ".json"
}

func (c *Cache) read(key string) (*Index, error) {
	if c.Dir == "" {
		return nil, os.ErrNotExist
	}
	data, err := os.ReadFile(filepath.Join(c.Dir, key))
	if err != nil {
		return nil, err
	}
	var f cacheFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	if f.Format != cacheFormat || f.Index == nil {
		return nil, fmt.Errorf("cache file %s has format %q", key, f.Format)
	}
	for i := range f.Index.Options {
		o := &f.Index.Options[i]
		o.Shallow, o.Hidden = f.Flags[i]&1 != 0, f.Flags[i]&2 != 0
	}
	return f.Index, nil
}

type cacheFile struct {
	Format string `json:"format"`
	Index  *Index `json:"index"`
	Flags  []byte `json:"flags"` // per option: 1 Shallow, 2 Hidden (not in Option's JSON)
}

func (c *Cache) write(key string, ix *Index) error {
	if c.Dir == "" {
		return nil
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	f := cacheFile{Format: cacheFormat, Index: ix, Flags: make([]byte, len(ix.Options))}
	for i, o := range ix.Options {
		if o.Shallow {
			f.Flags[i] |= 1
		}
		if o.Hidden {
			f.Flags[i] |= 2
		}
	}
	data, err := json.Marshal(&f)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(c.Dir, key+".*.tmp")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(c.Dir, key)); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
