package nixast

import (
	"slices"
	"sort"
	"sync"
)

// errorsFromChecks reports whether every error of f came from the
// duplicate check of a set or let: Reparse runs those checks again.
func errorsFromChecks(f *File) bool {
	for _, e := range f.Errors {
		if e.owner == 0 {
			return false
		}
	}
	return true
}

// recheck sets f's errors and nonPlain: old's errors from lists whose
// check finds the same (unchanged), moved, if what they name lies before
// cut; the duplicate checks of the other lists that reported errors in old
// (at positions moved by moved, -1 when gone) and of the lists at more run
// again on f's tree; found are the parser's errors of the run parsed again
// (up to runEnd), in the order it reported them, lexErrs the scanner's,
// merged last as Parse merges them (an error the parser made there, later
// dropped, still hides one at its position); runAttrs are the attribute
// trees of the sets in the run that its parser checked (nil: none).
func recheck(f, old *File, moved func(int) int, cut, runEnd int, unchanged func(int) bool, more []int, found, lexErrs []Error, runAttrs map[*AttrSet]*attrEntries) *File {
	at := append([]int(nil), more...)
	// When every list that reported errors finds the same, and they name
	// places before the edit, the errors just move. Otherwise all checks
	// run again: a list checked again merges the lists inside it, whose
	// trees must then be there (see attrsOf).
	keep := len(more) == 0
	for _, e := range old.Errors {
		if p := e.owner - 1; moved(p) >= 0 && !(unchanged(p) && e.Related < cut) {
			keep = false
		}
	}
	var kept []Error
	for _, e := range old.Errors {
		np := moved(e.owner - 1)
		switch {
		case np < 0:
		case keep:
			e.Pos, e.End, e.owner = moved(e.Pos), moved(e.End), np+1
			kept = append(kept, e)
		default:
			at = append(at, np)
		}
	}
	if len(at) == 0 && len(found) == 0 && len(lexErrs) == 0 && len(kept) == len(old.Errors) {
		if len(kept) > 0 {
			f.Errors = kept
		}
		return f
	}
	if sharesPosition(kept, found, lexErrs) {
		return nil
	}
	var lists []Node
	checked := slices.Compact(slices.Sorted(slices.Values(at))) // where the lists start
	for _, p := range checked {
		c := containerAt(f.Root, p)
		if c == nil {
			return nil
		}
		lists = append(lists, c)
	}
	// In the order the parser checks them: inner lists first. The trees
	// go to a map: some lists are shared with old.
	sort.SliceStable(lists, func(i, j int) bool { return lists[i].End() < lists[j].End() })
	if runAttrs == nil {
		runAttrs = map[*AttrSet]*attrEntries{}
	}
	q := &parser{src: f.Src, lines: f.Lines, sideAttrs: runAttrs}
	defer q.releaseAttrs()
	// With lists to check, kept is empty (see keep). The errors are
	// reported in Parse's order: a list's check when it closes, the run's
	// errors between the lists that close before it and those that close
	// after, so that a check error at the position of the error reported
	// just before it is dropped as Parse drops it (one error per position).
	q.errs = kept
	var checks []Error
	placed := false
	kp := keyPool.Get().(*[]string) // the first names of each list in turn
	keys := *kp
	defer func() {
		if cap(keys) <= maxPooled {
			*kp = keys[:0]
			keyPool.Put(kp)
		}
	}()
	for _, c := range lists {
		if !placed && c.End() > runEnd {
			q.errs = append(q.errs, found...)
			placed = true
		}
		binds, _ := bindingsOf(c)
		keys = keys[:0]
		for _, b := range binds {
			keys = firstNames(b, keys)
		}
		plain := !repeats(keys)
		clear(keys) // they point into the tree, which the pool must not keep
		n := len(q.errs)
		q.checkBindings(c, binds, plain)
		checks = append(checks, q.errs[n:]...)
		p := listPos(c)
		i := sort.SearchInts(f.nonPlain, p)
		switch in := i < len(f.nonPlain) && f.nonPlain[i] == p; {
		case plain && in:
			f.nonPlain = append(f.nonPlain[:i:i], f.nonPlain[i+1:]...)
		case !plain && !in:
			f.nonPlain = append(f.nonPlain[:i:i], append([]int{p}, f.nonPlain[i:]...)...)
		}
	}
	if !placed {
		q.errs = append(q.errs, found...)
	}
	if len(q.errs)+len(lexErrs) >= MaxErrors/2 {
		return nil // near the limit, which errors are kept depends on order
	}
	if sharesPosition(checks, nil, lexErrs) {
		return nil
	}
	q.errs = mergeErrors(lexErrs, q.errs)
	sort.SliceStable(q.errs, func(i, j int) bool { return q.errs[i].Pos < q.errs[j].Pos })
	if len(q.errs) > 0 {
		f.Errors = q.errs
	}
	// The lists checked again say anew whether they merge sets.
	syn := append(slices.DeleteFunc(f.newSyntaxAt, func(p int) bool { return hasPos(checked, p) }), q.newSyntax...)
	slices.Sort(syn)
	f.setNewSyntax(syn)
	return f
}

// sharesPosition reports whether an error of errs (from a duplicate check)
// stands at the position of one of the run's syntax errors, the parser's or
// the scanner's. The parser reports one error per position, so which of the
// two Parse keeps depends on the order of the whole parse.
func sharesPosition(errs, found, lexErrs []Error) bool {
	for _, e := range errs {
		at := func(g Error) bool { return g.Pos == e.Pos }
		if slices.ContainsFunc(found, at) || slices.ContainsFunc(lexErrs, at) {
			return true
		}
	}
	return false
}

// bindingsOf returns the bindings of a set or let; ok is false for any
// other node.
func bindingsOf(n Node) (list []Binding, ok bool) {
	switch x := n.(type) {
	case *AttrSet:
		return x.Bindings, true
	case *LegacyLet:
		return x.Bindings, true
	case *Let:
		return x.Bindings, true
	}
	return nil, false
}

// SharesFirstName reports whether two bindings of n, a set or let of f's
// tree, begin with the same static name (a name bound twice, or paths that
// merge: a.b = 1; a.c = 2;), as the parser found for its duplicate checks.
func (f *File) SharesFirstName(n Node) bool { return hasPos(f.nonPlain, listPos(n)) }

// listPos is where a set or let is known by in nonPlain and the owners of
// errors: its '{' (the parser checks a rec set before it knows the 'rec'),
// or its 'let'.
func listPos(n Node) int {
	switch x := n.(type) {
	case *AttrSet:
		return int(x.Lbrace)
	case *LegacyLet:
		return x.Lbrace
	}
	return n.Pos()
}

// containerAt returns the set or let of f's tree at listPos pos.
func containerAt(root Node, pos int) Node {
	for n := root; n != nil; n = childAround(n, pos, pos+1) {
		if _, ok := bindingsOf(n); ok && listPos(n) == pos {
			return n
		}
	}
	return nil
}

// keyPool keeps the slices of first names that recheck fills: a package
// set's list of 26,000 bindings, checked again on a keystroke that changes
// a name, took a new one of 400 KB each time.
var keyPool = sync.Pool{New: func() any { return new([]string) }}

// firstNames appends the static first names a binding defines.
func firstNames(b Binding, out []string) []string {
	switch b := b.(type) {
	case *AttrAssign:
		if name, ok := b.Path.Names[0].StaticName(); ok {
			out = append(out, name)
		}
	case *Inherit:
		for _, n := range b.Names {
			if name, ok := n.StaticName(); ok {
				out = append(out, name)
			}
		}
	}
	return out
}
