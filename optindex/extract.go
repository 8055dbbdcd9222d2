package optindex

type builder struct {
	ix *Index
}

func newBuilder(root string) *builder {
	return &builder{ix: &Index{Root: root}}
}

func (b *builder) entry(e string) { b.ix.Entries = append(b.ix.Entries, e) }

func (b *builder) finish() *Index { return b.ix }

func defaultEntries(root string) []string { return []string{"default.nix"} }
