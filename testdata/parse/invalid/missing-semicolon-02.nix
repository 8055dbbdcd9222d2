# error: 8:7 missing ';' after the let binding version
# after: src url hash meta description license name
{ lib, stdenv, fetchurl }:

let
  pname = "widget";
  version = "1.0.2"
  src = fetchurl {
    url = "https://example.org/widget-1.0.2.tar.gz";
    hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  };
  meta = {
    description = "A widget";
    license = lib.licenses.mit;
  };
in
stdenv.mkDerivation {
  name = "${pname}-${version}";
  inherit src meta;
}
