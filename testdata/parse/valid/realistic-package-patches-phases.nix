{ stdenv, lib, fetchurl, fetchpatch, autoreconfHook, ncurses, gettext }:

let
  version = "3.1";
  patchBase = "https://patches.example.org/ed-plus";
in
stdenv.mkDerivation {
  pname = "ed-plus";
  inherit version;

  src = fetchurl {
    url = "mirror://gnu/ed-plus/ed-plus-${version}.tar.gz";
    sha256 = "0000000000000000000000000000000000000000000000000000";
  };

  patches = [
    ./fix-build-with-gcc14.patch
    (fetchpatch {
      name = "CVE-2099-0001.patch";
      url = "${patchBase}/CVE-2099-0001.diff";
      hash = "sha256-GGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGG=";
    })
  ];

  nativeBuildInputs = [ autoreconfHook ];
  buildInputs = [ ncurses ] ++ lib.optional stdenv.isDarwin gettext;

  configureFlags = [ "--enable-utf8" "--disable-nls" ];

  preBuild = ''
    echo "building ed-plus ${version} for ${stdenv.hostPlatform.system}"
  '';

  checkPhase = ''
    runHook preCheck
    make check TESTS="basic.sh regex.sh"
    runHook postCheck
  '';

  installPhase = ''
    runHook preInstall
    install -Dm755 ed-plus $out/bin/ed-plus
    install -Dm644 ed-plus.1 $out/share/man/man1/ed-plus.1
    runHook postInstall
  '';

  meta = {
    description = "Line editor with extensions";
    license = lib.licenses.gpl3Plus;
    platforms = lib.platforms.all;
  };
}
