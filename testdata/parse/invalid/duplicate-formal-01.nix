# error: 6:3 duplicate formal argument 'lib'
# after: pname version
{ lib
, stdenv
, fetchurl
, lib
}:
stdenv.mkDerivation {
  pname = "dup";
  version = "1";
}
