#!/bin/sh
# coverage.sh DIR: how many of the systems and guests that expected.txt
# lists does `microvm-lsp systems` find with the right role, per repository
# and in total. DIR holds one checkout per line of repos.txt, named
# <owner>+<name>. Nothing is fetched. MICROVM_LSP names the binary (default:
# microvm-lsp on PATH). A checkout with its flake.lock has the modules of its
# flake inputs followed into their sources when they are in the Nix store;
# STORE_ROOT names the directory that store sits under (as --store-root).
set -eu
dir=${1:?usage: coverage.sh DIR}
bin=${MICROVM_LSP:-microvm-lsp}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for repo in $(awk '!/^#/ && NF { print $1 }' "$here/expected.txt" | sort -u); do
	[ -d "$dir/$repo" ] || { echo "$repo: missing below $dir" >&2; continue; }
	"$bin" systems --format json ${STORE_ROOT:+--store-root "$STORE_ROOT"} "$dir/$repo" > "$tmp/$repo.json"
done
python3 - "$here/expected.txt" "$tmp" <<'PY'
import json, os, sys
expected, tmp = sys.argv[1], sys.argv[2]
rows = {}
for line in open(expected):
    f = line.split()
    if not f or f[0].startswith("#"):
        continue
    rows.setdefault(f[0], []).append(f[1:])
tot = {"sys": [0, 0, 0], "guest": [0, 0, 0]}
print("%-36s %16s %16s" % ("repository", "systems", "guests"))
for repo in sorted(rows):
    p = os.path.join(tmp, repo + ".json")
    if not os.path.exists(p):
        continue
    got = json.load(open(p))
    systems = {}
    guests = {}
    for s in got:
        systems.setdefault(s["name"], set()).add(s["role"])
        for g in s["guests"]:
            guests.setdefault(s["name"] + "/" + g["name"], set()).add(g.get("role", ""))
    c = {"sys": [0, 0, 0], "guest": [0, 0, 0]}  # expected, found, found with the right role
    for kind, name, role in rows[repo]:
        k = "sys" if kind == "system" else "guest"
        have = systems if k == "sys" else guests
        c[k][0] += 1
        if name in have:
            c[k][1] += 1
            if role == "?" or role in have[name]:
                c[k][2] += 1
    for k in c:
        for i in range(3):
            tot[k][i] += c[k][i]
    fmt = lambda v: "%d/%d (%d found)" % (v[2], v[0], v[1]) if v[0] else "-"
    print("%-36s %16s %16s" % (repo, fmt(c["sys"]), fmt(c["guest"])))
for k, label in (("sys", "systems"), ("guest", "guests")):
    e, f, r = tot[k]
    print("total %s: %d of %d with the right role (%.0f%%), %d found" % (label, r, e, 100.0 * r / max(e, 1), f))
PY
