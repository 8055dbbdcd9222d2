# error: 5:11 binding with no value
# after: version meta
{ stdenv }:
stdenv.mkDerivation {
  pname = ;
  version = "1";
  meta = { };
}
