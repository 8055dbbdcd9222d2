package nixast

import (
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// TestCheckerMatchesParse checks every corpus file with one Checker, so
// that each parse reuses the memory of the files before it (larger and
// smaller, valid and not), and requires the errors Parse reports.
func TestCheckerMatchesParse(t *testing.T) {
	var paths []string
	for _, dir := range []string{"valid", "invalid"} {
		more, _ := filepath.Glob(filepath.Join("..", "testdata", "parse", dir, "*.nix"))
		paths = append(paths, more...)
	}
	if len(paths) < 100 {
		t.Fatalf("only %d corpus files", len(paths))
	}
	var srcs [][]byte
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	// Largest first, then the order of the names, then backwards: every
	// file meets chunks left by others.
	bySize := append([][]byte(nil), srcs...)
	sort.SliceStable(bySize, func(i, j int) bool { return len(bySize[i]) > len(bySize[j]) })
	order := append(bySize, srcs...)
	for i := len(srcs) - 1; i >= 0; i-- {
		order = append(order, srcs[i])
	}
	// And a file large enough to be parsed on two cores.
	order = append(order, generatedPackageSet(streamThreshold+1000), []byte("{ a = 1; a = 2; }"))
	// A set large enough for a map of its names, then a small one whose
	// names that map holds: a stale map would find a.x defined twice.
	large := "{ a.x = 1; a.z = 2;"
	for i := range 20 {
		large += fmt.Sprintf(" b%d = %d;", i, i)
	}
	order = append(order, []byte(large+" }"), []byte("{ a.y = 1; a.x = 2; }"))
	var c Checker
	withErrors := 0
	for _, src := range order {
		want := fmt.Sprint(Parse("t.nix", src).Errors)
		// A copy: the errors must not share memory with it.
		buf := append([]byte(nil), src...)
		errs := c.Check(buf)
		for i := range buf {
			buf[i] = '!'
		}
		if got := fmt.Sprint(errs); got != want {
			t.Fatalf("Checker: %.400s\nParse: %.400s\nsource: %.300q", got, want, src)
		}
		if len(errs) > 0 {
			withErrors++
		}
	}
	if withErrors < 50 {
		t.Errorf("only %d files with errors: the invalid corpus is not read", withErrors)
	}
}

// BenchmarkCheckTestdata checks the corpus as the parse command does:
// one Checker for all files. With MICROVM_LSP_BENCH_DIR, the corpus is
// the *.nix files below that directory (a checkout of real repositories)
// that Check parses on one core.
func BenchmarkCheckTestdata(b *testing.B) {
	srcs, total := validSources()
	if dir := os.Getenv("MICROVM_LSP_BENCH_DIR"); dir != "" {
		srcs, total = sourcesBelow(b, dir)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	var c Checker
	for i := 0; i < b.N; i++ {
		for _, src := range srcs {
			c.Check(src)
		}
	}
}

// TestParseWithoutTokensMatchesParse parses the corpus with pooled token
// slices, each file's scan reusing the tokens of files before it, and
// requires the File of Parse: errors, tree, and tokens when asked for.
func TestParseWithoutTokensMatchesParse(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "parse", "*", "*.nix"))
	if len(paths) < 100 {
		t.Fatalf("only %d corpus files", len(paths))
	}
	for round := 0; round < 2; round++ {
		for _, p := range paths {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			want, got := Parse(p, src), ParseWithoutTokens(p, src)
			if !got.tokens.none() {
				t.Fatalf("%s: tokens kept", p)
			}
			if fmt.Sprint(got.Errors) != fmt.Sprint(want.Errors) {
				t.Fatalf("%s: errors %.300v, want %.300v", p, got.Errors, want.Errors)
			}
			if d := treeDiff(got.Root, want.Root); d != "" {
				t.Fatalf("%s: %s", p, d)
			}
			if a, b := got.AllTokens(), want.AllTokens(); fmt.Sprint(a) != fmt.Sprint(b) {
				t.Fatalf("%s: tokens differ", p)
			}
		}
	}
}

// TestTreeArenaMatchesParse parses the corpus with one TreeArena, keeping
// some trees and dropping the others at random, and requires each File to
// be Parse's: when parsed, and for the kept ones, once every later parse
// has reused the memory of the dropped ones.
func TestTreeArenaMatchesParse(t *testing.T) {
	var order [][]byte
	for _, dir := range []string{"valid", "invalid"} {
		paths, _ := filepath.Glob(filepath.Join("..", "testdata", "parse", dir, "*.nix"))
		for _, p := range paths {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			order = append(order, src)
		}
	}
	if len(order) < 100 {
		t.Fatalf("only %d corpus files", len(order))
	}
	// Every file twice, in two orders, and one large enough for two cores.
	for i := len(order) - 1; i >= 0; i-- {
		order = append(order, order[i])
	}
	order = append(order, generatedPackageSet(streamThreshold+1000), generatedPackageSet(20<<10))
	r := rand.New(rand.NewSource(7))
	var a TreeArena
	var kept []*File
	for i, src := range order {
		f := a.Parse(fmt.Sprintf("f%d.nix", i), src)
		sameFile(t, f.Name, f)
		switch r.Intn(3) {
		case 0:
			a.Keep()
			kept = append(kept, f)
		case 1:
			a.Reuse()
		default:
			kept = append(kept, f) // the next Parse keeps it
		}
	}
	if len(kept) < len(order)/2 {
		t.Fatalf("only %d of %d trees kept", len(kept), len(order))
	}
	for _, f := range kept {
		sameFile(t, "kept "+f.Name, f)
	}
}

// TestTreeArenaReusesMemory: parses whose trees are dropped take the memory
// of the trees before; kept ones do not.
func TestTreeArenaReusesMemory(t *testing.T) {
	src := generatedPackageSet(64 << 10)
	allocated := func(keep bool) uint64 {
		var a TreeArena
		a.Parse("warm.nix", src)
		a.Reuse()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 20 {
			a.Parse("p.nix", src)
			if keep {
				a.Keep()
			} else {
				a.Reuse()
			}
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	dropped, kept := allocated(false), allocated(true)
	if dropped*3 > kept {
		t.Errorf("20 parses allocated %d bytes with their trees dropped, %d with them kept: dropped trees' memory is not reused", dropped, kept)
	}
}

// TestAppendTokens: AppendTokens gives AllTokens' tokens whatever buf held,
// in buf's memory when it has room, for files with and without tokens.
func TestAppendTokens(t *testing.T) {
	srcs := [][]byte{generatedPackageSet(8 << 10), []byte("{ a = 1; # c\n  b = \"x${a}\"; }\n"), {}}
	buf := make([]Token, 0, 1<<16)
	for i := range cap(buf) {
		buf = append(buf, Token{Kind: IDENT, pos: int32(i), end: int32(i + 1)})
	}
	for _, src := range srcs {
		for _, f := range []*File{Parse("a.nix", src), ParseWithoutTokens("b.nix", src)} {
			want := f.AllTokens()
			got := f.AppendTokens(buf)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s: AppendTokens differs from AllTokens", f.Name)
			}
			if len(got) > 0 && &got[0] != &buf[:1][0] {
				t.Errorf("%s: %d tokens not in buf's memory (room for %d)", f.Name, len(got), cap(buf))
			}
		}
	}
}

// TestTreeArenaKeepsLittleForASmallFile: a small file parsed after a large
// one whose tree was dropped takes chunks near its own size, not the large
// file's: a kept tree keeps its chunks whole.
func TestTreeArenaKeepsLittleForASmallFile(t *testing.T) {
	small := []byte("{ lib, ... }: {\n  a = 1;\n  b = \"x${toString a}\";\n  c = [ lib.x { d = 2; } ];\n}\n")
	var fresh TreeArena
	fresh.Parse("small.nix", small)
	want := heldChunkBytes(&fresh.c.p.slabs)
	if want == 0 {
		t.Fatal("no chunks found: heldChunkBytes reads the slabs' fields by name")
	}
	var a TreeArena
	a.Parse("big.nix", generatedPackageSet(200<<10)) // below streamThreshold: in the arena
	a.Reuse()
	f := a.Parse("small.nix", small)
	got := heldChunkBytes(&a.c.p.slabs)
	a.Keep()
	if got > 8*want+4096 {
		t.Errorf("after a large file, the small file's tree holds %d bytes of chunks; parsed alone, %d", got, want)
	}
	sameFile(t, "kept small.nix", f)
}

// heldChunkBytes sums the capacity, in bytes, of the chunks that the tree
// being parsed fills: every slab's current chunk and those it filled
// before in this parse.
func heldChunkBytes(s *slabs) int {
	total := 0
	v := reflect.ValueOf(s).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() != reflect.Struct {
			continue // the stacks
		}
		cur := f.FieldByName("cur")
		rec := f.FieldByName("rec")
		if !cur.IsValid() || !rec.IsValid() {
			continue
		}
		size := int(cur.Type().Elem().Size())
		total += cur.Cap() * size
		if !rec.IsNil() {
			used := rec.Elem().FieldByName("used")
			for j := range used.Len() {
				total += used.Index(j).Cap() * size
			}
		}
	}
	return total
}

// sourcesBelow reads the *.nix files below dir that Check parses on one
// core (Parse takes the large ones on two).
func sourcesBelow(b *testing.B, dir string) ([][]byte, int) {
	var srcs [][]byte
	total := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".nix") || !d.Type().IsRegular() {
			return err
		}
		src, err := os.ReadFile(p)
		if err == nil && len(src) < streamThreshold {
			srcs = append(srcs, src)
			total += len(src)
		}
		return err
	})
	if err != nil || len(srcs) == 0 {
		b.Fatalf("no Nix files below %s (%v)", dir, err)
	}
	return srcs, total
}
