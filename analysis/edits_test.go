package analysis

import (
	"math/rand"
	"slices"
	"testing"
)

func TestCollide(t *testing.T) {
	e := func(pos, end int) TextEdit { return TextEdit{File: "f", Pos: pos, End: end} }
	for _, tc := range []struct {
		a, b TextEdit
		want bool
	}{
		{e(0, 3), e(3, 5), false}, // adjacent replacements
		{e(0, 3), e(2, 5), true},  // overlap
		{e(3, 3), e(3, 3), true},  // two insertions at one place
		{e(3, 3), e(0, 3), true},  // insertion at the edge of a replacement
		{e(3, 3), e(5, 5), false},
		{e(0, 9), TextEdit{File: "g", Pos: 0, End: 9}, false},
	} {
		if got := Collide(tc.a, tc.b); got != tc.want {
			t.Errorf("Collide(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := Collide(tc.b, tc.a); got != tc.want {
			t.Errorf("Collide(%v, %v) = %v, want %v", tc.b, tc.a, got, tc.want)
		}
	}
}

// An EditSet answers as a comparison with every edit taken would, with
// touching edits colliding or not; what it holds, applied in one pass,
// gives the text the edits applied one by one from the last give.
func TestEditSetAsEveryPair(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, touching := range []bool{false, true} {
		for round := 0; round < 300; round++ {
			set := EditSet{Touching: touching}
			var taken []TextEdit
			src := make([]byte, 60)
			for i := range src {
				src[i] = byte('a' + rng.Intn(26))
			}
			for try := 0; try < 40; try++ {
				var fix []TextEdit
				for range 1 + rng.Intn(2) {
					pos := rng.Intn(len(src) + 1)
					end := min(len(src), pos+rng.Intn(4))
					file := "f"
					if rng.Intn(8) == 0 {
						file = "g"
					}
					fix = append(fix, TextEdit{File: file, Pos: pos, End: end, NewText: string(rune('A' + try%26))})
				}
				want := false
				for i, a := range fix {
					for _, b := range append(slices.Clone(taken), fix[i+1:]...) {
						if touching && a.File == b.File && a.Pos <= b.End && b.Pos <= a.End || !touching && Collide(a, b) {
							want = true
						}
					}
				}
				if got := set.Collides(fix); got != want {
					t.Fatalf("touching %v: Collides(%v) = %v, taken %v", touching, fix, got, taken)
				}
				if !want {
					set.Add(fix)
					taken = append(taken, fix...)
				}
			}
			// One by one, from the last place to the first.
			var mine []TextEdit
			for _, e := range taken {
				if e.File == "f" {
					mine = append(mine, e)
				}
			}
			slices.SortStableFunc(mine, func(a, b TextEdit) int { return b.Pos - a.Pos })
			want := slices.Clone(src)
			for _, e := range mine {
				want = slices.Concat(want[:e.Pos], []byte(e.NewText), want[e.End:])
			}
			if got := Apply(src, set.File("f")); string(got) != string(want) {
				t.Fatalf("Apply: %q, one by one %q (edits %v)", got, want, set.File("f"))
			}
			if files := set.Files(); len(taken) > 0 && (len(files) == 0 || files[0] != "f" && files[0] != "g") {
				t.Fatalf("files %v", files)
			}
		}
	}
}
