#!/usr/bin/env bash
# Compares parse time with `nix-instantiate --parse` on the same files, in one
# run. Nix's time is its wall time minus its start-up (the time to parse a
# one-byte file); ours is what `microvm-lsp parse --stats` reports.
# Usage: scripts/parse-vs-nix.sh FILE... (default: a generated 4 MiB package set)
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  go run ./internal/corpus/gencorpus -o "$tmp/corpus" -files 0 -big 4194304 >/dev/null
  files=("$tmp/corpus/all-packages.nix")
fi
runs=5
now() { date +%s.%N; }
printf '1' > "$tmp/one.nix"
start=$(now); for _ in $(seq $runs); do NIX_REMOTE= nix-instantiate --parse "$tmp/one.nix" >/dev/null; done
startup=$(echo "($(now) - $start) / $runs" | bc -l)
nix=0; ours=0; bytes=0
for f in "${files[@]}"; do
  # `with {};` binds free names, which nix-instantiate would reject.
  { printf 'with {}; '; cat "$f"; } > "$tmp/w.nix"
  start=$(now); for _ in $(seq $runs); do NIX_REMOTE= nix-instantiate --parse "$tmp/w.nix" >/dev/null; done
  nix=$(echo "$nix + ($(now) - $start) / $runs - $startup" | bc -l)
  best=1000
  for _ in $(seq $runs); do
    s=$(bin/microvm-lsp parse --stats "$f" 2>&1 >/dev/null | awk '/^seconds:/ {print $2}')
    best=$(echo "if ($s < $best) $s else $best" | bc -l)
  done
  ours=$(echo "$ours + $best" | bc -l)
  bytes=$((bytes + $(stat -c %s "$f")))
done
printf 'bytes: %d\nnix-instantiate --parse: %.4f s (start-up %.4f s excluded)\nmicrovm-lsp parse: %.4f s\nratio: %.1fx\n' \
  "$bytes" "$nix" "$startup" "$ours" "$(echo "$nix / $ours" | bc -l)"
