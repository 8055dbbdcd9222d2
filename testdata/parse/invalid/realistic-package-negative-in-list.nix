# error: 8:22 negative number as a bare list element
# after: doCheck meta description
{ stdenv, fetchurl }:
stdenv.mkDerivation {
  pname = "calc";
  version = "2.0";
  src = fetchurl { url = "https://example.org/calc-2.0.tar.gz"; hash = ""; };
  testValues = [ 1 2 -3 ];
  doCheck = true;
  meta = { description = "calculator"; };
}
