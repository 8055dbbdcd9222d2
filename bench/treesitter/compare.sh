#!/usr/bin/env bash
# Issue #7: parse throughput of microvm-lsp's parser against tree-sitter's Nix
# grammar (npm tree-sitter-nix through the native tree-sitter Node binding),
# on the same files, printed side by side. Run by `make bench-treesitter`,
# which builds bin/microvm-lsp first.
#
# tree-sitter: bench.js, a warm-up pass, then the best of 5 rounds of fresh
# (non-incremental) parses of every file, on one thread. microvm-lsp: the best
# of 5 `bin/microvm-lsp parse --stats` runs, each one cold pass in a fresh
# process (reading excluded), on one core (GOMAXPROCS=1) and on all cores.
#
# Usage: bench/treesitter/compare.sh [FILE|DIR...]
#   (default: the generated 4 MiB package set, then testdata/parse/valid)
# Installs the npm packages in bench/treesitter (npm ci, native build with
# node-gyp) when they are missing or stale; if that fails it says why and
# exits 1. Nothing else in the repository depends on this.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

fail() { echo "bench-treesitter: $*" >&2; exit 1; }

command -v node >/dev/null || fail "node is not installed (tree-sitter's Node binding needs Node.js and npm)"
command -v npm >/dev/null || fail "npm is not installed"
[ -x bin/microvm-lsp ] || fail "bin/microvm-lsp is missing: run make build"

# --- npm packages ----------------------------------------------------------
loads() {
  (cd "$here" && node -e '
    const P = require("tree-sitter"), N = require("tree-sitter-nix");
    const p = new P(); p.setLanguage(N);
    if (p.parse("{ a = 1; }").rootNode.hasError()) process.exit(1);' 2>/dev/null)
}
stamp() { cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1; node --version; }
if [ "$(cat "$here/node_modules/.bench-stamp" 2>/dev/null)" != "$(stamp)" ] || ! loads; then
  echo "bench-treesitter: installing tree-sitter and tree-sitter-nix (npm ci, native build)..." >&2
  # Build the addons from source (prebuild-install would try to download a
  # binary) against the headers that came with Node, when they are there
  # (node-gyp would otherwise try to download them).
  export npm_config_build_from_source=true
  prefix=$(node -p 'require("path").resolve(process.execPath, "..", "..")')
  if [ -f "$prefix/include/node/node.h" ]; then
    export npm_config_nodedir="$prefix"
  else
    echo "bench-treesitter: no Node headers in $prefix/include/node; node-gyp will try to download them" >&2
  fi
  log=$(mktemp)
  if ! (cd "$here" && timeout 900 npm ci --no-audit --no-fund --foreground-scripts) >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    rm -f "$log"
    fail "npm ci in bench/treesitter failed (above: the end of its output); it needs the npm registry, and for the native build gcc, make, python3 and the Node headers"
  fi
  rm -f "$log"
  loads || fail "npm ci succeeded but tree-sitter-nix does not load or parse under node $(node --version)"
  stamp > "$here/node_modules/.bench-stamp"
fi

# --- files -----------------------------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ $# -eq 0 ]; then
  go run ./internal/corpus/gencorpus -o "$tmp/corpus" -files 0 -big 4194304 >/dev/null
  sets=("generated 4 MiB package set|$tmp/corpus" "testdata/parse/valid|testdata/parse/valid")
else
  sets=()
  for p in "$@"; do sets+=("$p|$p"); done
fi

field() { awk -v k="$1:" 'index($0, k) == 1 { print $NF; exit }'; }
best() { sort -g | head -1; }
ours() {
  local s
  for _ in 1 2 3 4 5; do
    # Status 1 only means parse errors; the time is printed all the same.
    { env "$@" bin/microvm-lsp parse --stats "$dir" 2>&1 >/dev/null || true; } | field seconds
  done | best
}
row() { awk -v n="$1" -v s="$2" -v b="$bytes" -v t="$ts" 'BEGIN { printf "%-38s %8.4f %8.1f %8.1fx\n", n, s, b / 1e6 / s, t / s }'; }

cores=$(nproc)
echo "versions: $(cd "$here" && node -p '`node ${process.version}, tree-sitter ${require("tree-sitter/package.json").version}, tree-sitter-nix ${require("tree-sitter-nix/package.json").version}`'), microvm-lsp $(git describe --tags --always --dirty 2>/dev/null || echo dev) ($(go env GOVERSION)), $cores cores"
for s in "${sets[@]}"; do
  name=${s%%|*}
  dir=${s#*|}
  abs=$(realpath "$dir")
  out=$(cd "$here" && node bench.js "$abs") || fail "bench.js failed on $dir"
  files=$(field files <<<"$out")
  bytes=$(field bytes <<<"$out")
  ts=$(field seconds <<<"$out")
  tscold=$(awk '/^cold seconds:/ {print $3}' <<<"$out")
  passes=$(awk '/^passes:/ {print $2}' <<<"$out")
  one=$(ours GOMAXPROCS=1)
  all=$(ours MICROVM_LSP_BENCH=1)
  [ -n "$one" ] && [ -n "$all" ] || fail "bin/microvm-lsp parse --stats printed no time on $dir"
  ourfiles=$(bin/microvm-lsp parse --stats "$dir" 2>&1 >/dev/null | field files || true)
  [ "$ourfiles" = "$files" ] || fail "tree-sitter saw $files files in $dir, microvm-lsp $ourfiles"
  echo
  echo "=== tree-sitter vs microvm-lsp: $name ==="
  printf 'files: %d, bytes: %d\n' "$files" "$bytes"
  printf '%-38s %8s %8s %9s\n' "" seconds MB/s "speed-up"
  row "tree-sitter-nix, warm (best of 5)" "$ts"
  row "tree-sitter-nix, first pass (cold)" "$tscold"
  row "microvm-lsp parse, one core" "$one"
  row "microvm-lsp parse, all cores ($cores)" "$all"
  printf 'tree-sitter: %s pass(es) a round; files with ERROR nodes: %d of %d (%d ERROR nodes); files with only MISSING nodes: %d\n' \
    "$passes" "$(field 'error files' <<<"$out")" "$files" "$(field 'error nodes' <<<"$out")" "$(field 'missing-only files' <<<"$out")"
done
