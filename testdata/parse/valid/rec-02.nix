rec {
  version = "1.2.3";
  name = "pkg-${version}";
  src = "https://example.org/${name}.tar.gz";
}
