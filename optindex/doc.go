// Package optindex knows the options that Nix module sources declare, without
// evaluating Nix: it locates the sources a flake.lock pins in the Nix store
// (Locate; subpackages flakelock and nixstore), extracts the option
// declarations of their modules statically (Build) and caches the result on
// disk once per store path (Cache).
//
// It imports only nixast, the standard library and go-nix; it knows nothing of
// microvm.nix, LSP or checks.
package optindex
