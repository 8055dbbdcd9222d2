# error: 7:11 missing ';' after an inherit
# after: version src doCheck
{ stdenv, lib, fetchurl }:
stdenv.mkDerivation {
  pname = "thing";
  inherit (lib) licenses
  version = "0.1";
  src = ./.;
  doCheck = true;
}
