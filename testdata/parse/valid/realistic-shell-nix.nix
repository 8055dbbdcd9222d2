{ pkgs ? import <nixpkgs> { overlays = [ (import ./nix/overlay.nix) ]; }
, withPython ? true
}:

pkgs.mkShell {
  name = "dev-shell";

  nativeBuildInputs = with pkgs; [
    gnumake
    cmake
    ninja
    pkg-config
  ] ++ pkgs.lib.optionals withPython [
    (pkgs.python3.withPackages (p: [ p.pytest p.black ]))
  ];

  buildInputs = [ pkgs.openssl pkgs.sqlite ];

  RUST_LOG = "debug";
  LOCALE_ARCHIVE = pkgs.lib.optionalString pkgs.stdenv.isLinux "${pkgs.glibcLocales}/lib/locale/locale-archive";

  shellHook = ''
    export PROJECT_ROOT=$(git rev-parse --show-toplevel)
    alias b='make -C "$PROJECT_ROOT" -j$(nproc)'
    echo "entered ${pkgs.lib.optionalString withPython "python-enabled "}dev shell"
  '';
}
