#!/usr/bin/env bash
# Compares parse throughput with `nix-instantiate --parse` on the same files,
# in one run. Nix parses all files in one process; its time is the best of 5
# wall times minus its start-up (the best of 5 runs on a one-byte file). Ours
# is the best of 5 `microvm-lsp parse --stats` parse times, on all cores and
# on one (GOMAXPROCS=1).
# Usage: scripts/parse-vs-nix.sh FILE|DIR... (default: a generated 4 MiB package set)
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ $# -eq 0 ]; then
  go run ./internal/corpus/gencorpus -o "$tmp/corpus" -files 0 -big 4194304 >/dev/null
  set -- "$tmp/corpus/all-packages.nix"
fi
mapfile -t files < <(for p in "$@"; do if [ -d "$p" ]; then find "$p" -name '*.nix' -type f; else echo "$p"; fi; done | sort)
# Nix 2.8 rejects free variables: each copy starts with `with {};`.
mkdir -p "$tmp/w"
prefixed=()
for i in "${!files[@]}"; do
  { printf 'with {}; '; cat "${files[$i]}"; } > "$tmp/w/$i.nix"
  prefixed+=("$tmp/w/$i.nix")
done
best() { sort -g | head -1; }
wall() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo "($e - $s) / 1000000000" | bc -l; }
printf '1' > "$tmp/one.nix"
startup=$(for _ in 1 2 3 4 5; do wall env NIX_REMOTE= nix-instantiate --parse "$tmp/one.nix"; done | best)
nixall=$(for _ in 1 2 3 4 5; do wall env NIX_REMOTE= nix-instantiate --parse "${prefixed[@]}"; done | best)
nix=$(echo "$nixall - $startup" | bc -l)
ours() { for _ in 1 2 3 4 5; do env "$@" bin/microvm-lsp parse --stats "${files[@]}" 2>&1 >/dev/null | awk '/^seconds:/ {print $2}'; done | best; }
par=$(ours MICROVM_LSP_UNUSED=1)
one=$(ours GOMAXPROCS=1)
bytes=$(cat "${files[@]}" | wc -c)
printf 'files: %d, bytes: %d\n' "${#files[@]}" "$bytes"
printf 'nix-instantiate --parse: %.4f s (start-up %.4f s excluded)\n' "$nix" "$startup"
printf 'microvm-lsp parse, all cores: %.4f s (%.1fx)\n' "$par" "$(echo "$nix / $par" | bc -l)"
printf 'microvm-lsp parse, one core:  %.4f s (%.1fx)\n' "$one" "$(echo "$nix / $one" | bc -l)"
