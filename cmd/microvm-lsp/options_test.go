package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOptionsCommand(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "flake.nix"), []byte(`{ outputs = { self }: { nixosModules.fan = ./fan.nix; }; }`), 0o644)
	os.WriteFile(filepath.Join(dir, "fan.nix"), []byte(`{ lib, ... }: {
  options.fan.speed = lib.mkOption { type = lib.types.ints.u8; default = 3; description = "Blade turns."; };
  options.fan.hidden = lib.mkOption { visible = false; type = lib.types.submodule { options.x = lib.mkOption { }; }; };
}`), 0o644)
	var out, errb bytes.Buffer
	if code := run([]string{"options", "--format", "json", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var opts []optionJSON
	if err := json.Unmarshal(out.Bytes(), &opts); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	var names []string
	for _, o := range opts {
		names = append(names, o.Name)
		if o.Name == "fan.speed" && (o.Type != "8 bit unsigned integer; between 0 and 255 (both inclusive)" || o.Default != "3" ||
			o.Description != "Blade turns." || len(o.Declarations) != 1 || o.Declarations[0].File != "fan.nix" || o.Declarations[0].Line != 2) {
			t.Errorf("fan.speed = %+v", o)
		}
	}
	// Documentation leaves out what lies below an invisible option.
	if strings.Join(names, " ") != "fan.hidden fan.speed" {
		t.Errorf("options: %v", names)
	}
	out.Reset()
	if code := run([]string{"options", "--all", dir, "fan.nix"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "fan.hidden.x: unspecified value") {
		t.Errorf("--all with an entry: exit %d\n%s", code, out.String())
	}
	if code := run([]string{"options", filepath.Join(dir, "nowhere")}, &out, &errb); code != 2 {
		t.Errorf("a missing source: exit %d", code)
	}
}
