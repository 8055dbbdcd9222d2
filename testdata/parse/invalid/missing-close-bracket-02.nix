# error: 8:15 missing ']' in a binding in the middle of an attrset
# after: buildInputs meta
{ stdenv, zlib, openssl }:
stdenv.mkDerivation {
  pname = "x";
  version = "1";
  nativeBuildInputs = [ zlib
  buildInputs = [ openssl ];
  meta = { };
}
