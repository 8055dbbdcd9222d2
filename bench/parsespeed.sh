#!/usr/bin/env bash
# Parse speed against `nix-instantiate --parse` (Nix 2.8) on the same files,
# both run as a user would over a tree: `xargs -n BATCH -P CORES`, one
# process per batch, wall time of the whole run (best of RUNS). Every file is
# given to both as a copy that starts with `with {};` (Nix 2.8 rejects free
# variables), and only the files Nix accepts are timed: Nix stops a batch at
# the first file it rejects, which would time less than all of them.
# Ours runs twice: `parse` (syntax errors only) and `parse --print` (the
# normal form, as Nix prints it).
# Usage: bench/parsespeed.sh [DIR|FILE...] (default: testdata/parse/valid)
# Environment: BATCH (files per process, 200), CORES (2), RUNS (3).
set -euo pipefail
args=()
for p in "$@"; do args+=("$(realpath "$p")"); done
cd "$(dirname "$0")/.."
batch=${BATCH:-200} cores=${CORES:-2} runs=${RUNS:-3}
make -s build
bin=$PWD/bin/microvm-lsp
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ ${#args[@]} -gt 0 ] || args=(testdata/parse/valid)
mkdir -p "$tmp/w"
i=0
while IFS= read -r -d '' f; do
  { printf 'with {}; '; cat "$f"; } > "$tmp/w/$i.nix"
  i=$((i + 1))
done < <(for p in "${args[@]}"; do if [ -d "$p" ]; then find "$p" -name '*.nix' -type f -print0; else printf '%s\0' "$p"; fi; done | sort -z)
export NIX_REMOTE= NIX_PATH= HOME="$tmp/home"
nixparse() { xargs -0 -n "$batch" -P "$cores" nix-instantiate --parse >/dev/null 2>"$tmp/err"; }
# Drop what Nix rejects, batch by batch, until every batch passes.
find "$tmp/w" -name '*.nix' -print0 | sort -z > "$tmp/list"
rejected=0
while ! nixparse < "$tmp/list"; do
  bad=$(grep -o "at $tmp/w/[0-9]*\.nix" "$tmp/err" | sed 's/^at //' | sort -u || true)
  if [ -z "$bad" ]; then
    # No file named: Nix crashed (2.8 segfaults on some broken files),
    # and xargs stopped there. The batches that fail, then their files
    # one by one, tell which.
    : > "$tmp/failed"
    xargs -0 -n "$batch" sh -c 'nix-instantiate --parse "$@" >/dev/null 2>&1 || printf "%s\0" "$@" >> "$0"' "$tmp/failed" < "$tmp/list" || true
    bad=$(xargs -0 -n 1 sh -c 'nix-instantiate --parse "$0" >/dev/null 2>&1 || echo "$0"' < "$tmp/failed" || true)
  fi
  if [ -z "$bad" ]; then echo "nix-instantiate failed, and not on a file:" >&2; cat "$tmp/err" >&2; exit 1; fi
  for b in $bad; do rm -f "$b"; rejected=$((rejected + 1)); done
  find "$tmp/w" -name '*.nix' -print0 | sort -z > "$tmp/list"
done
files=$(tr -cd '\0' < "$tmp/list" | wc -c)
bytes=$(xargs -0 cat < "$tmp/list" | wc -c)
wall() { local best= s e d; for _ in $(seq "$runs"); do
  s=$(date +%s%N); "$@" < "$tmp/list"; e=$(date +%s%N); d=$(( (e - s) / 1000000 ))
  if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d; fi; done; echo "$best"; }
# Exit status 1: a file has syntax errors (Nix accepted it: reported above).
ours() { xargs -0 -n "$batch" -P "$cores" "$bin" parse "$@" >/dev/null 2>"$tmp/ours-err" || [ $? -eq 123 ]; }
nixms=$(wall nixparse)
oursms=$(wall ours)
printms=$(wall ours --print)
if [ -s "$tmp/ours-err" ]; then echo "microvm-lsp parse rejects files Nix accepts:" >&2; head -5 "$tmp/ours-err" >&2; fi
printf 'files: %d accepted by Nix (%d rejected, not timed), %d bytes; xargs -n %d -P %d, best of %d\n' "$files" "$rejected" "$bytes" "$batch" "$cores" "$runs"
printf 'nix-instantiate --parse:      %6d ms\n' "$nixms"
printf 'microvm-lsp parse:            %6d ms  (%.1fx faster)\n' "$oursms" "$(awk "BEGIN{print $nixms / $oursms}")"
printf 'microvm-lsp parse --print:    %6d ms  (%.1fx faster)\n' "$printms" "$(awk "BEGIN{print $nixms / $printms}")"
