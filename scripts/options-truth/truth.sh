#!/bin/sh
# Usage: truth.sh NIXPKGS_LIB_DIR MODULE...
#        truth.sh --home-manager NIXPKGS_LIB_DIR HOME_MANAGER_DIR
#        truth.sh --nix-darwin NIXPKGS_LIB_DIR NIX_DARWIN_DIR
# Prints, as JSON, the options lib.evalModules reports for the modules (or for
# home-manager's modules/modules.nix, or the modules nix-darwin's
# modules/module-list.nix lists). Nothing is fetched; Nix evaluates only.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
abs() { (cd "$(dirname "$1")" && printf '%s/%s' "$(pwd)" "$(basename "$1")"); }
export NIX_REMOTE=
if [ "${1:-}" = --home-manager ]; then
	lib=$(abs "$2")
	hm=$(abs "$3")
	# pkgs.path: nixpkgs' lib beside stub NixOS modules.
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	cp -R "$here/stub-nixpkgs/." "$tmp/"
	ln -s "$lib/lib" "$tmp/lib"
	nix-instantiate --eval --strict --json "$here/options.nix" \
		--arg libDir "$lib" --arg hmDir "$hm" --arg nixpkgsDir "$tmp" --arg modules "[ $hm/modules/modules.nix ]"
	exit
fi
if [ "${1:-}" = --nix-darwin ]; then
	lib=$(abs "$2")
	darwin=$(abs "$3")
	exec nix-instantiate --eval --strict --json "$here/options.nix" \
		--arg libDir "$lib" --arg modules "import $darwin/modules/module-list.nix"
fi
lib=$(abs "$1")
shift
list=""
for m in "$@"; do list="$list $(abs "$m")"; done
exec nix-instantiate --eval --strict --json "$here/options.nix" --arg libDir "$lib" --arg modules "[ $list ]"
