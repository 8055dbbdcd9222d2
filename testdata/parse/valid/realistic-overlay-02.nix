# Overlay that pins a few tools and extends python packages.
self: super:

let
  pinnedVersion = "1.21.4";
in
{
  go_pinned = super.go.overrideAttrs (_: {
    version = pinnedVersion;
    src = super.fetchurl {
      url = "https://go.dev/dl/go${pinnedVersion}.src.tar.gz";
      hash = "sha256-JJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJ=";
    };
  });

  pythonPackagesExtensions = super.pythonPackagesExtensions ++ [
    (pyFinal: pyPrev: {
      confsync = pyFinal.callPackage ../pkgs/confsync { };
      requests = pyPrev.requests.overridePythonAttrs (old: {
        doCheck = false;
      });
    })
  ];

  lib = super.lib.extend (libFinal: libPrev: {
    my = import ../lib { lib = libFinal; };
  });
}
