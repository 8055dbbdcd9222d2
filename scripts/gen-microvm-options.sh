#!/bin/sh
# Regenerates microvm/options.json, the option index built into microvm-lsp
# for when the microvm.nix a workspace pins is not in the Nix store.
#
#   scripts/gen-microvm-options.sh SRC [REV DATE]
#
# SRC is a microvm.nix source tree (a git checkout gives REV and DATE; for
# another tree, pass the commit and its date, YYYY-MM-DD). Nothing is fetched.
set -eu
if [ $# -lt 1 ]; then
	echo "usage: $0 SRC [REV DATE]" >&2
	exit 2
fi
src=$1
rev=${2:-$(git -C "$src" rev-parse HEAD)}
date=${3:-$(git -C "$src" log -1 --format=%cs HEAD)}
cd "$(dirname "$0")/.."
go run ./cmd/microvm-lsp options --format json "$src" nixos-modules/microvm nixos-modules/host |
	go run ./microvm/internal/embedgen -rev "$rev" -date "$date" >microvm/options.json.new
mv microvm/options.json.new microvm/options.json
