{ lib
, stdenv
, fetchurl
, enableFoo ? false
, extraFlags ? [ ]
, ...
}:
stdenv.mkDerivation { }
