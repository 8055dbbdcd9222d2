{ lib, buildNpmPackage, fetchFromGitHub, nodejs_20 }:

buildNpmPackage (finalAttrs: {
  pname = "static-site-gen";
  version = "2.0.0-beta.4";

  src = fetchFromGitHub {
    owner = "example";
    repo = "ssg";
    rev = "v${finalAttrs.version}";
    hash = "sha256-HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH=";
  };

  nodejs = nodejs_20;
  npmDepsHash = "sha256-IIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIII=";
  npmBuildScript = "build:prod";
  npmFlags = [ "--legacy-peer-deps" ];

  env.PUPPETEER_SKIP_DOWNLOAD = "1";

  meta = {
    description = "Static site generator";
    license = lib.licenses.isc;
    broken = lib.versionOlder finalAttrs.version "2.0.0";
  };
})
