package main

import (
	"fmt"
	"strings"
)

// unifiedDiff returns the unified diff (3 lines of context) that turns old
// into cur, with the file names oldName and curName in its header; "" when
// they are equal.
func unifiedDiff(oldName, curName, old, cur string) string {
	a, b := splitLines(old), splitLines(cur)
	ops := diffLines(a, b)
	var sb strings.Builder
	const context = 3
	// Hunks: runs of changes with up to 2*context equal lines between them.
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := i
		for start > 0 && i-start < context && ops[start-1].kind == ' ' {
			start--
		}
		end := i
		for {
			for end < len(ops) && ops[end].kind != ' ' {
				end++
			}
			eq := end
			for eq < len(ops) && ops[eq].kind == ' ' {
				eq++
			}
			if eq < len(ops) && eq-end <= 2*context {
				end = eq
				continue
			}
			end = min(end+context, eq)
			break
		}
		if sb.Len() == 0 {
			fmt.Fprintf(&sb, "--- %s\n+++ %s\n", oldName, curName)
		}
		aStart, bStart := ops[start].a, ops[start].b
		var aLen, bLen int
		var body strings.Builder
		for _, op := range ops[start:end] {
			switch op.kind {
			case ' ':
				aLen++
				bLen++
				writeDiffLine(&body, ' ', a[op.a])
			case '-':
				aLen++
				writeDiffLine(&body, '-', a[op.a])
			case '+':
				bLen++
				writeDiffLine(&body, '+', b[op.b])
			}
		}
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n%s", hunkRange(aStart, aLen), hunkRange(bStart, bLen), body.String())
		i = end
	}
	return sb.String()
}

func writeDiffLine(sb *strings.Builder, kind byte, line string) {
	sb.WriteByte(kind)
	sb.WriteString(line)
	if !strings.HasSuffix(line, "\n") {
		sb.WriteString("\n\\ No newline at end of file\n")
	}
}

// hunkRange writes a hunk's start and length as diff does: 1-based, and
// the line before the hunk when it is empty.
func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// splitLines splits s after each newline; the last line may lack one.
func splitLines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// diffOp is one line of an edit script: kept (' '), removed ('-') or added
// ('+'), with its index in a and in b (for an added line, a is where it
// goes; for a removed one, b).
type diffOp struct {
	kind byte
	a, b int
}

// diffLines returns a shortest edit script from a to b (Myers' algorithm:
// time and memory grow with the number of changed lines, which fixes keep
// small).
func diffLines(a, b []string) []diffOp {
	n, m := len(a), len(b)
	max := n + m
	offset := max + 1
	v := make([]int, 2*max+3)
	var trace [][]int
	found := false
	for d := 0; d <= max && !found; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[offset+k-1] < v[offset+k+1] {
				x = v[offset+k+1]
			} else {
				x = v[offset+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[offset+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	// Walk back through the saved frontiers.
	var ops []diffOp
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		vd := trace[d]
		k := x - y
		var prevK int
		if k == -d || k != d && vd[offset+k-1] < vd[offset+k+1] {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := vd[offset+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			ops = append(ops, diffOp{' ', x, y})
		}
		if d == 0 {
			break
		}
		if x == prevX {
			y--
			ops = append(ops, diffOp{'+', x, y})
		} else {
			x--
			ops = append(ops, diffOp{'-', x, y})
		}
		x, y = prevX, prevY
	}
	for i, j := 0, len(ops)-1; i < j; i, j = i+1, j-1 {
		ops[i], ops[j] = ops[j], ops[i]
	}
	return ops
}
