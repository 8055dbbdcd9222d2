{
  lib,
  stdenv,
  fetchurl,
  enableFoo ? false,
  ...
}:
lib.id stdenv
