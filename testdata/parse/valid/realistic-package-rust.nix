{ lib
, rustPlatform
, fetchFromGitHub
, pkg-config
, dbus
, stdenv
, darwin
}:

rustPlatform.buildRustPackage rec {
  pname = "notifyd-lite";
  version = "1.3.0";

  src = fetchFromGitHub {
    owner = "example";
    repo = "notifyd-lite";
    rev = "refs/tags/${version}";
    hash = "sha256-DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD=";
  };

  cargoHash = "sha256-EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE=";

  nativeBuildInputs = [ pkg-config ];
  buildInputs = lib.optionals stdenv.isLinux [ dbus ]
    ++ lib.optionals stdenv.isDarwin [ darwin.apple_sdk.frameworks.Foundation ];

  buildNoDefaultFeatures = true;
  buildFeatures = [ "dbus" ] ++ lib.optional stdenv.isDarwin "macos";

  # tests need a session bus
  doCheck = false;

  meta = with lib; {
    description = "Lightweight notification daemon";
    license = with licenses; [ mit asl20 ];
    platforms = platforms.linux ++ platforms.darwin;
  };
}
