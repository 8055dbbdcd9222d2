package microvm

import (
	"fmt"
	"strings"
)

// MatrixMarkdown renders the capability matrix as a Markdown table, for
// docs/diagnostics.md (a test keeps the copy there equal to this).
func MatrixMarkdown() string {
	feats := []struct {
		head string
		f    Feature
	}{
		{"balloon", FeatBalloon}, {"hotplugMem", FeatHotplug}, {"initialBalloonMem", FeatInitialBalloon},
		{"user", FeatUser}, {"cpu", FeatCPU}, {"credentialFiles", FeatCredentialFiles},
		{"vsock.cid", FeatVsock}, {"tap.vhost", FeatTapVhost}, {"read-only 9p", FeatReadOnly9p},
	}
	var b strings.Builder
	b.WriteString("| hypervisor | shares | interfaces | device buses |")
	for _, f := range feats {
		b.WriteString(" " + f.head + " |")
	}
	b.WriteString(" runner |\n|---|---|---|---|")
	for range feats {
		b.WriteString("---|")
	}
	b.WriteString("---|\n")
	for _, r := range runners {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |", r.Hypervisor, list(r.Shares), list(r.Interfaces), buses(r))
		for _, f := range feats {
			if f.f == FeatReadOnly9p && r.SupportOf(Share("9p")) != Supported {
				b.WriteString(" – |")
				continue
			}
			b.WriteString(" " + word(r.SupportOf(f.f)) + " |")
		}
		rev := short(r.Revision)
		if r.Branch != "" {
			rev += ", branch " + r.Branch
		}
		fmt.Fprintf(&b, " `%s` (%s) |\n", r.File, rev)
	}
	b.WriteString("\n")
	for _, r := range runners {
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "- %s: %s\n", r.Hypervisor, n)
		}
	}
	return b.String()
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "none (throws)"
	}
	return strings.Join(xs, ", ")
}

func buses(r *Runner) string {
	if r.Has[FeatDevices] == Ignored {
		return "ignored"
	}
	return list(r.Buses)
}

func word(s Support) string {
	switch s {
	case Supported:
		return "yes"
	case Unsupported:
		return "throws"
	}
	return "ignored"
}

// RemovalsMarkdown renders the removed options as a Markdown table, for
// docs/diagnostics.md.
func RemovalsMarkdown() string {
	var b strings.Builder
	b.WriteString("| option | removed | instead | fix |\n|---|---|---|---|\n")
	for _, r := range removals {
		fix := "–"
		switch {
		case r.Removable:
			fix = "remove the definition"
		case r.Name() == "microvm.balloonMem":
			fix = "an integer literal becomes `balloon = true` (`false` for 0)"
		}
		advice := r.Advice
		if advice == "" {
			advice = "–"
		}
		fmt.Fprintf(&b, "| `%s` | %s (%s) | %s | %s |\n", r.Name(), r.When, r.Commit, advice, fix)
	}
	return b.String()
}
