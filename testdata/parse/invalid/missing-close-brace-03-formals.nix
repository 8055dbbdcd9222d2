# error: 3:25 missing '}' closing the formals
# after: pname version
{ lib, stdenv, fetchurl :
stdenv.mkDerivation {
  pname = "foo";
  version = "1";
}
