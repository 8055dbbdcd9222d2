{ lib
, stdenv
, fetchurl
, pkg-config
, openssl
, zlib
, withDocs ? true
, asciidoc
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "tinyhttpd";
  version = "2.4.1";

  src = fetchurl {
    url = "https://downloads.example.org/tinyhttpd/tinyhttpd-${finalAttrs.version}.tar.xz";
    hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  };

  outputs = [ "out" ] ++ lib.optional withDocs "doc";

  nativeBuildInputs = [ pkg-config ] ++ lib.optionals withDocs [ asciidoc ];
  buildInputs = [ openssl zlib ];

  makeFlags = [
    "PREFIX=${placeholder "out"}"
    "CC=${stdenv.cc.targetPrefix}cc"
  ];

  postPatch = ''
    substituteInPlace Makefile \
      --replace-fail '/usr/local' "$out" \
      --replace-fail 'gcc' '$(CC)'
  '';

  preConfigure = lib.optionalString stdenv.isDarwin ''
    export NIX_CFLAGS_COMPILE="$NIX_CFLAGS_COMPILE -D_DARWIN_C_SOURCE"
  '';

  enableParallelBuilding = true;
  doCheck = stdenv.buildPlatform.canExecute stdenv.hostPlatform;

  postInstall = lib.optionalString withDocs ''
    mkdir -p $doc/share/doc/tinyhttpd
    cp -r doc/*.html $doc/share/doc/tinyhttpd/
  '';

  meta = with lib; {
    description = "A very small HTTP server";
    homepage = "https://example.org/tinyhttpd";
    license = licenses.mit;
    maintainers = [ ];
    platforms = platforms.unix;
    mainProgram = "tinyhttpd";
  };
})
