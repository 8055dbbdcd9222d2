// Package nixrepl gives inputs to Nix's own `nix repl` (Nix 2.8, Debian's
// nix-bin) and returns what it printed for each. The oracle tests ask it
// where nix-instantiate, which stops at the first input it rejects, would
// need a process per rejection: the repl reports an error and reads on.
package nixrepl

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

var (
	ansi   = regexp.MustCompile("\x1b\\[[0-9;]*m")
	marker = regexp.MustCompile(`^"@@input (\d+)@@"$`)
)

// Answers gives the inputs to one repl, each followed by a line with a
// marker string, whose printed value closes the input's answer. It returns
// the lines printed between each input's marker and the one before it,
// colours removed; nil for an input whose answer cannot be told apart (its
// marker or the one before it is missing: an input read on into the next).
// The repl echoes input lines indented; what Nix prints starts at column 0.
// home is the HOME Nix runs with; it runs without a daemon (NIX_REMOTE
// empty: the local store, which root may create) and without NIX_PATH.
func Answers(ctx context.Context, home string, inputs []string) ([][]string, error) {
	var in bytes.Buffer
	for i, s := range inputs {
		fmt.Fprintf(&in, "%s\n\"@@input %d@@\"\n", s, i)
	}
	cmd := exec.CommandContext(ctx, "nix", "--extra-experimental-features", "nix-command", "repl")
	cmd.Env = append(os.Environ(), "NIX_REMOTE=", "HOME="+home, "NIX_PATH=", "TERM=dumb", "NO_COLOR=1")
	cmd.Stdin = &in
	var both bytes.Buffer
	cmd.Stdout, cmd.Stderr = &both, &both // one pipe: errors and values in order
	if err := cmd.Run(); err != nil {
		return nil, err
	}
	out := make([][]string, len(inputs))
	prev := -1
	var seg []string
	for _, line := range strings.Split(ansi.ReplaceAllString(both.String(), ""), "\n") {
		m := marker.FindStringSubmatch(line)
		if m == nil {
			seg = append(seg, line)
			continue
		}
		k, _ := strconv.Atoi(m[1])
		if k == prev+1 && k < len(inputs) {
			out[k] = append([]string{}, seg...) // not nil: an answer
		}
		prev, seg = k, nil
	}
	return out, nil
}

// An Error is one error the repl printed: its message, after "error: ",
// and the line that says where, "at FILE:LINE:COLUMN:" ("«string»" for the
// input itself), or "" when none followed.
type Error struct {
	Msg, At string
}

// Errors returns the errors of one answer, in order.
func Errors(answer []string) []Error {
	var errs []Error
	for _, line := range answer {
		if msg, ok := strings.CutPrefix(line, "error: "); ok {
			errs = append(errs, Error{Msg: msg})
		} else if t := strings.TrimSpace(line); len(errs) > 0 && errs[len(errs)-1].At == "" && strings.HasPrefix(t, "at ") {
			errs[len(errs)-1].At = strings.TrimSuffix(t, ":")
		}
	}
	return errs
}
