# error: 7:3 missing ',' between two formals of a package function
# after: pname version src url hash nativeBuildInputs buildInputs meta license
{ lib
, stdenv
, fetchurl
, pkg-config
  openssl
, zlib
}:

stdenv.mkDerivation rec {
  pname = "netcat-lite";
  version = "0.7.1";
  src = fetchurl {
    url = "https://example.org/${pname}-${version}.tar.gz";
    hash = "sha256-KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK=";
  };
  nativeBuildInputs = [ pkg-config ];
  buildInputs = [ openssl zlib ];
  meta = { license = lib.licenses.bsd2; };
}
