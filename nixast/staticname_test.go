package nixast

import (
	"cmp"
	"strings"
	"testing"
)

// Nix's parser reads an interpolation of a plain string as the name itself,
// in a set, a let and an inherit; anything else interpolated is dynamic
// (and an error in a let and an inherit).
func TestStaticNameOfInterpolation(t *testing.T) {
	for _, tc := range []struct {
		src    string
		name   string
		static bool
	}{
		{`{ ${"a"} = 1; }`, "a", true},
		{`{ ${("a")} = 1; }`, "a", true},
		{"{ ${''a''} = 1; }", "a", true},
		{"{ ${''  a\n  ''} = 1; }", "a\n", true},
		{"{ ${''''} = 1; }", "", true},
		{`{ ${""} = 1; }`, "", true},
		{`{ "a" = 1; }`, "a", true},
		{`{ ${"a${"b"}"} = 1; }`, "", false},
		{"{ ${''a''$b''} = 1; }", "", false}, // two pieces for Nix: a concatenation
		{`{ ${a} = 1; }`, "", false},
		{`{ "${"a"}" = 1; }`, "", false},
	} {
		f := Parse("a.nix", []byte(tc.src))
		set, ok := f.Root.(*AttrSet)
		if !ok || len(set.Bindings) != 1 {
			t.Fatalf("%s: not a set of one binding", tc.src)
		}
		name, static := set.Bindings[0].(*AttrAssign).Path.Names[0].StaticName()
		if static != tc.static || name != tc.name {
			t.Errorf("%s: StaticName = %q, %t; want %q, %t", tc.src, name, static, tc.name, tc.static)
		}
	}
	for src, errs := range map[string]int{
		`let ${"a"} = 1; in a`:                    0,
		`let inherit ({ a = 1; }) ${"a"}; in a`:   0,
		`let a = 1; in { inherit ${"a"}; }`:       0,
		`x: let ${x} = 1; in 2`:                   1,
		`x: { inherit ${x}; }`:                    1,
		`{ a = 1; ${"a"} = 2; }`:                  1, // the same name twice
		"let a = 1; in { inherit ${''a''$b''}; }": 1,
	} {
		if got := len(Parse("a.nix", []byte(src)).Errors); got != errs {
			t.Errorf("%s: %d errors, want %d", src, got, errs)
		}
	}
}

// AppendStaticNames appends what StaticNames returns, and leaves dst as it
// was for a path with a dynamic name; FirstName is the first static name.
func TestAppendStaticNames(t *testing.T) {
	for _, tc := range []struct {
		src, want, first string
	}{
		{`{ a.b."c" = 1; }`, "p a b c", "a"},
		{`{ ${"a"}.b = 1; }`, "p a b", "a"},
		{`{ a.${x}.c = 1; }`, "", "a"},
		{`{ ${x}.b = 1; }`, "", ""},
	} {
		path := Parse("a.nix", []byte(tc.src)).Root.(*AttrSet).Bindings[0].(*AttrAssign).Path
		names, static := path.StaticNames()
		got, ok := path.AppendStaticNames([]string{"p"})
		if ok != static || ok != (tc.want != "") {
			t.Errorf("%s: static %t and %t", tc.src, ok, static)
		}
		if ok && strings.Join(got, " ") != "p "+strings.Join(names, " ") || strings.Join(got, " ") != cmp.Or(tc.want, "p") {
			t.Errorf("%s: appended %q (StaticNames %q), want %q", tc.src, got, names, tc.want)
		}
		if first, _ := path.FirstName(); first != tc.first {
			t.Errorf("%s: FirstName %q, want %q", tc.src, first, tc.first)
		}
	}
}
