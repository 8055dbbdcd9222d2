package nixast

import "sort"

// tokenList is a File's significant tokens. Parse makes one slice; Reparse
// makes a list of the old version's slices around the tokens it scanned
// again, each with the distance the edit moved its tokens: a keystroke in a
// 1.5 MB file copied and moved 260,000 tokens (3 MB of fresh memory, 770
// page faults) when it parsed one binding again.
type tokenList struct {
	segs []tokenSeg
	n    int
}

// tokenSeg is a run of tokens shared with the version they were scanned
// for, which is never written: the list's tokens at start.. are toks, each
// moved by d.
type tokenSeg struct {
	toks  []Token
	start int
	d     int32
}

// maxTokenSegs bounds the slices of a list: past it, a Reparse copies the
// tokens into one again (edits at many places of a file), so that the
// lookup of a token stays cheap.
const maxTokenSegs = 32

func flatTokens(toks []Token) tokenList {
	if len(toks) == 0 {
		return tokenList{} // never from the scanner, which ends with EOF
	}
	return tokenList{segs: []tokenSeg{{toks: toks}}, n: len(toks)}
}

// none reports whether the File kept no tokens (ParseWithoutTokens).
func (l tokenList) none() bool { return l.segs == nil }

func (l tokenList) len() int { return l.n }

// seg returns the index of the slice that holds token i.
func (l tokenList) seg(i int) int {
	if len(l.segs) == 1 {
		return 0
	}
	return sort.Search(len(l.segs), func(k int) bool { return l.segs[k].start > i }) - 1
}

// at returns token i.
func (l tokenList) at(i int) Token {
	s := &l.segs[l.seg(i)]
	t := s.toks[i-s.start]
	t.pos += s.d
	t.end += s.d
	return t
}

// search returns the index of the first token at or after pos (len() if
// none).
func (l tokenList) search(pos int) int {
	k := sort.Search(len(l.segs), func(k int) bool {
		s := &l.segs[k]
		return int(s.toks[len(s.toks)-1].pos+s.d) >= pos
	})
	if k == len(l.segs) {
		return l.n
	}
	s := &l.segs[k]
	return s.start + sort.Search(len(s.toks), func(i int) bool { return int(s.toks[i].pos+s.d) >= pos })
}

// appendRange appends tokens i to j-1 to out.
func (l tokenList) appendRange(out []Token, i, j int) []Token {
	for k := l.seg(i); i < j; k++ {
		s := &l.segs[k]
		from, to := i-s.start, min(j-s.start, len(s.toks))
		n := len(out)
		out = append(out, s.toks[from:to]...)
		if s.d != 0 {
			for x := n; x < len(out); x++ {
				out[x].pos += s.d
				out[x].end += s.d
			}
		}
		i = s.start + to
	}
	return out
}

// all returns the tokens in one slice (shared when the list is one).
func (l tokenList) all() []Token {
	if len(l.segs) == 1 && l.segs[0].d == 0 {
		return l.segs[0].toks
	}
	return l.appendRange(make([]Token, 0, l.n), 0, l.n)
}

// splice returns the list with tokens i0 to i1-1 replaced by sub, and the
// tokens from i1 on moved by d. l is not changed.
func (l tokenList) splice(i0, i1 int, sub []Token, d int) tokenList {
	out := tokenList{segs: make([]tokenSeg, 0, len(l.segs)+2)}
	add := func(toks []Token, dd int32) {
		if len(toks) > 0 {
			out.segs = append(out.segs, tokenSeg{toks: toks, start: out.n, d: dd})
			out.n += len(toks)
		}
	}
	for _, s := range l.segs {
		if end := s.start + len(s.toks); end <= i0 {
			add(s.toks, s.d)
		} else if s.start < i0 {
			add(s.toks[:i0-s.start], s.d)
		}
	}
	add(sub, 0)
	for _, s := range l.segs {
		if s.start >= i1 {
			add(s.toks, s.d+int32(d))
		} else if end := s.start + len(s.toks); end > i1 {
			add(s.toks[i1-s.start:], s.d+int32(d))
		}
	}
	if len(out.segs) > maxTokenSegs {
		return flatTokens(out.all())
	}
	return out
}
