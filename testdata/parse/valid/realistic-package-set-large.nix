# A package-set style file written for the parser corpus.
# It mimics the shape of a large top-level package collection.
{ lib, newScope, stdenv, fetchurl, fetchFromGitHub, config ? { }, overlays ? [ ] }:

let
  callPackage = newScope self;

  /** Build a tiny package from a name, version and hash. */
  mkSimple = { pname, version, hash, deps ? [ ], description ? "" }:
    stdenv.mkDerivation {
      inherit pname version;
      src = fetchurl {
        url = "https://dist.example.org/${pname}/${pname}-${version}.tar.gz";
        inherit hash;
      };
      buildInputs = deps;
      meta = {
        inherit description;
        license = lib.licenses.mit;
        platforms = lib.platforms.unix;
      };
    };

  self = {
    inherit callPackage mkSimple;

    ### section 1 ###

    pepper-lib = callPackage ../tools/pepper-lib { };

    kestrelfs = callPackage ../development/kestrelfs { inherit (self) pepper-lib; };

    falcon-server = mkSimple {
      pname = "falcon-server";
      version = "0.8.27";
      hash = "sha256-leph1QHt61QTC4XATWS8PHp9NHfYjFM5DI4pZj59fhZ=";
      deps = with self; [ pepper-lib kestrelfs ];
      description = "The falcon-server package (0.8.27)";
    };

    indigo-utils = stdenv.mkDerivation rec {
      pname = "indigo-utils";
      version = "1.12.56";
      src = fetchFromGitHub {
        owner = "example-indigo";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-oJe2JbmPTuSgR7cMy+UcU3zr1ZtoLuCr64CxqlIOdNK=";
      };
      buildInputs = [ self.kestrelfs self.pepper-lib ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "indigo-utils from source";
    };

    # alpha-lib: variant with an optional feature
    alpha-lib = callPackage ../servers/alpha-lib {
      withFeature = config.alpha_lib.withFeature or false;
    };
    alpha-lib-full = self.alpha-lib.override { withFeature = true; };

    indigo-lib = (callPackage ../misc/indigo-lib { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/indigo-lib/fix-5.patch ];
      doCheck = !stdenv.isDarwin;
    });

    kestrel-utils = if stdenv.isLinux
      then callPackage ../os-specific/linux/kestrel-utils { }
      else callPackage ../os-specific/generic/kestrel-utils { };

    bravo-tools = callPackage ../tools/bravo-tools { };

    kestrel-lib = callPackage ../development/kestrel-lib { inherit (self) alpha-lib; inherit (self) kestrel-utils; inherit (self) pepper-lib; };

    quartz-server = mkSimple {
      pname = "quartz-server";
      version = "4.3.6";
      hash = "sha256-kTfi3oYv2DzaKG05Rk+GQV81rkmghzem9yPVUJa/c5q=";
      deps = with self; [ kestrel-utils falcon-server alpha-lib ];
      description = "The quartz-server package (4.3.6)";
    };

    onyxfs = stdenv.mkDerivation rec {
      pname = "onyxfs";
      version = "3.7.11";
      src = fetchFromGitHub {
        owner = "example-onyxfs";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-WrLoevhZC0x0awirH/juQbLifxz53nCQE28+AJy75fN=";
      };
      buildInputs = [ self.falcon-server ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "onyxfs from source";
    };

    # indigo-tools: variant with an optional feature
    indigo-tools = callPackage ../servers/indigo-tools {
      withFeature = config.indigo_tools.withFeature or false;
    };
    indigo-tools-full = self.indigo-tools.override { withFeature = true; };

    falcon-utils = (callPackage ../misc/falcon-utils { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/falcon-utils/fix-12.patch ];
      doCheck = !stdenv.isDarwin;
    });

    juniper = if stdenv.isLinux
      then callPackage ../os-specific/linux/juniper { }
      else callPackage ../os-specific/generic/juniper { };

    onyx-utils = callPackage ../tools/onyx-utils { };

    zephyrfs = callPackage ../development/zephyrfs { inherit (self) quartz-server; inherit (self) alpha-lib; inherit (self) falcon-utils; };

    indigofs = mkSimple {
      pname = "indigofs";
      version = "0.3.81";
      hash = "sha256-sbEvrSFagEaBp0vXnJaE/9I0MyTLUyi0kn1Gnt11CuZ=";
      deps = with self; [ falcon-utils indigo-utils pepper-lib ];
      description = "The indigofs package (0.3.81)";
    };

    juniper-tools = stdenv.mkDerivation rec {
      pname = "juniper-tools";
      version = "6.28.20";
      src = fetchFromGitHub {
        owner = "example-juniper";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-2OLzu6UQBGSyLvVSskUVINx+ZmQF9oGxLUczZ8XbFzU=";
      };
      buildInputs = [ self.indigo-tools self.indigo-utils self.falcon-server ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "juniper-tools from source";
    };

    # yarrowd: variant with an optional feature
    yarrowd = callPackage ../servers/yarrowd {
      withFeature = config.yarrowd.withFeature or false;
    };
    yarrowd-full = self.yarrowd.override { withFeature = true; };

    yarrow = (callPackage ../misc/yarrow { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/yarrow/fix-19.patch ];
      doCheck = !stdenv.isDarwin;
    });

    tundra = if stdenv.isLinux
      then callPackage ../os-specific/linux/tundra { }
      else callPackage ../os-specific/generic/tundra { };

    lumend = callPackage ../tools/lumend { };

    alphafs = callPackage ../development/alphafs { inherit (self) kestrel-utils; inherit (self) juniper-tools; };

    alpha-utils = mkSimple {
      pname = "alpha-utils";
      version = "1.28.96";
      hash = "sha256-xNfaaOEELk9MQMalor2hCsgkGvp8kD0D3Ms8GbLkV3A=";
      deps = with self; [ quartz-server ];
      description = "The alpha-utils package (1.28.96)";
    };

    delta-lib = stdenv.mkDerivation rec {
      pname = "delta-lib";
      version = "0.0.44";
      src = fetchFromGitHub {
        owner = "example-delta";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-+M+X/shUkbd/VOK+NptMzyL2Dvamh2Vwd6QEspT5pV7=";
      };
      buildInputs = [ self.alphafs self.kestrel-lib self.yarrowd ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "delta-lib from source";
    };

    ### section 2 ###

    # tundra-cli: variant with an optional feature
    tundra-cli = callPackage ../servers/tundra-cli {
      withFeature = config.tundra_cli.withFeature or false;
    };
    tundra-cli-full = self.tundra-cli.override { withFeature = true; };

    sierra-server = (callPackage ../misc/sierra-server { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/sierra-server/fix-26.patch ];
      doCheck = !stdenv.isDarwin;
    });

    ember-utils = if stdenv.isLinux
      then callPackage ../os-specific/linux/ember-utils { }
      else callPackage ../os-specific/generic/ember-utils { };

    lumenfs = callPackage ../tools/lumenfs { };

    quartz-cli = callPackage ../development/quartz-cli { inherit (self) sierra-server; inherit (self) zephyrfs; };

    violetfs = mkSimple {
      pname = "violetfs";
      version = "6.10.64";
      hash = "sha256-isa/PqYomQLFzzGzmNAFY8HwSKbF6WMXE1MBvRnhmX1=";
      description = "The violetfs package (6.10.64)";
    };

    delta-utils = stdenv.mkDerivation rec {
      pname = "delta-utils";
      version = "5.0.55";
      src = fetchFromGitHub {
        owner = "example-delta";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-G/FP1z5IBxT80NK8bTB2ABPLbPQ8Cjf5XGuSKl/6gGE=";
      };
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "delta-utils from source";
    };

    # delta-tools: variant with an optional feature
    delta-tools = callPackage ../servers/delta-tools {
      withFeature = config.delta_tools.withFeature or false;
    };
    delta-tools-full = self.delta-tools.override { withFeature = true; };

    alphad = (callPackage ../misc/alphad { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/alphad/fix-33.patch ];
      doCheck = !stdenv.isDarwin;
    });

    ember = if stdenv.isLinux
      then callPackage ../os-specific/linux/ember { }
      else callPackage ../os-specific/generic/ember { };

    meadow-cli = callPackage ../tools/meadow-cli { };

    zephyr-lib = callPackage ../development/zephyr-lib { inherit (self) kestrelfs; };

    willow-utils = mkSimple {
      pname = "willow-utils";
      version = "7.25.64";
      hash = "sha256-rR4AkXu3F0bjXRXdWZKL/jWaRYnZBI0Hsqk/LB09Rif=";
      deps = with self; [ zephyr-lib ];
      description = "The willow-utils package (7.25.64)";
    };

    xenon-lib = stdenv.mkDerivation rec {
      pname = "xenon-lib";
      version = "5.1.20";
      src = fetchFromGitHub {
        owner = "example-xenon";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-vAt5JPtfpwHlN/5DRCfLcXVNngDCMYhC7e4NsMWFiP7=";
      };
      buildInputs = [ self.willow-utils self.delta-tools self.juniper-tools ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "xenon-lib from source";
    };

    # nimbus-cli: variant with an optional feature
    nimbus-cli = callPackage ../servers/nimbus-cli {
      withFeature = config.nimbus_cli.withFeature or false;
    };
    nimbus-cli-full = self.nimbus-cli.override { withFeature = true; };

    xenon-tools = (callPackage ../misc/xenon-tools { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/xenon-tools/fix-40.patch ];
      doCheck = !stdenv.isDarwin;
    });

    sierrafs = if stdenv.isLinux
      then callPackage ../os-specific/linux/sierrafs { }
      else callPackage ../os-specific/generic/sierrafs { };

    tundra-tools = callPackage ../tools/tundra-tools { };

    quartzd = callPackage ../development/quartzd { inherit (self) sierrafs; inherit (self) ember; };

    juniperd = mkSimple {
      pname = "juniperd";
      version = "8.4.73";
      hash = "sha256-Z0PSUNDMJV+73HBpSetjVEiMIsY5xCGcyF4GefcFUWo=";
      description = "The juniperd package (8.4.73)";
    };

    pepperd = stdenv.mkDerivation rec {
      pname = "pepperd";
      version = "7.9.53";
      src = fetchFromGitHub {
        owner = "example-pepperd";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-g/Ifxc0nz+CfLWVtwXAlyuOqxqzIP2sfxY7kse3EjDr=";
      };
      buildInputs = [ self.zephyrfs ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "pepperd from source";
    };

    # ember-tools: variant with an optional feature
    ember-tools = callPackage ../servers/ember-tools {
      withFeature = config.ember_tools.withFeature or false;
    };
    ember-tools-full = self.ember-tools.override { withFeature = true; };

    yarrow-lib = (callPackage ../misc/yarrow-lib { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/yarrow-lib/fix-47.patch ];
      doCheck = !stdenv.isDarwin;
    });

    alpha = if stdenv.isLinux
      then callPackage ../os-specific/linux/alpha { }
      else callPackage ../os-specific/generic/alpha { };

    indigod = callPackage ../tools/indigod { };

    ### section 3 ###

    quartz = callPackage ../development/quartz { inherit (self) yarrow; };

    nimbus-utils = mkSimple {
      pname = "nimbus-utils";
      version = "9.18.80";
      hash = "sha256-KSdUR4zLF49YbvAE2SkJH1rI4BWVwlA4sZ8Kp62TzKH=";
      deps = with self; [ xenon-lib tundra-tools ];
      description = "The nimbus-utils package (9.18.80)";
    };

    indigo = stdenv.mkDerivation rec {
      pname = "indigo";
      version = "4.18.73";
      src = fetchFromGitHub {
        owner = "example-indigo";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-1v9RmrDYc5KSv1ue4yhOdXZOcgMYg+d6cOK0J4RON6y=";
      };
      buildInputs = [ self.falcon-utils ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "indigo from source";
    };

    # meadow-server: variant with an optional feature
    meadow-server = callPackage ../servers/meadow-server {
      withFeature = config.meadow_server.withFeature or false;
    };
    meadow-server-full = self.meadow-server.override { withFeature = true; };

    pepper-cli = (callPackage ../misc/pepper-cli { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/pepper-cli/fix-54.patch ];
      doCheck = !stdenv.isDarwin;
    });

    pepper = if stdenv.isLinux
      then callPackage ../os-specific/linux/pepper { }
      else callPackage ../os-specific/generic/pepper { };

    tundrafs = callPackage ../tools/tundrafs { };

    tundrad = callPackage ../development/tundrad { inherit (self) indigofs; };

    violet-tools = mkSimple {
      pname = "violet-tools";
      version = "0.17.60";
      hash = "sha256-MuTdzLDRPHaXhuTWUDsf4/bsx6bpDNBIzsHdw0wcDgC=";
      deps = with self; [ pepperd ember-utils ];
      description = "The violet-tools package (0.17.60)";
    };

    onyxd = stdenv.mkDerivation rec {
      pname = "onyxd";
      version = "3.7.45";
      src = fetchFromGitHub {
        owner = "example-onyxd";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-ap2jm/bU9iRmkLqA+fUo5bGauF4X3RmDOTBRmTtMV7y=";
      };
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "onyxd from source";
    };

    # yarrow-utils: variant with an optional feature
    yarrow-utils = callPackage ../servers/yarrow-utils {
      withFeature = config.yarrow_utils.withFeature or false;
    };
    yarrow-utils-full = self.yarrow-utils.override { withFeature = true; };

    willow-lib = (callPackage ../misc/willow-lib { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/willow-lib/fix-61.patch ];
      doCheck = !stdenv.isDarwin;
    });

    kestreld = if stdenv.isLinux
      then callPackage ../os-specific/linux/kestreld { }
      else callPackage ../os-specific/generic/kestreld { };

    indigo-cli = callPackage ../tools/indigo-cli { };

    garnet-server = callPackage ../development/garnet-server { inherit (self) delta-lib; inherit (self) pepper-lib; };

    xenonfs = mkSimple {
      pname = "xenonfs";
      version = "2.17.35";
      hash = "sha256-hLoxgmy1Gnmfw3gnZQGav7+SurZ6GoBI0pEjc4lZa6z=";
      deps = with self; [ sierra-server bravo-tools alpha-utils ];
      description = "The xenonfs package (2.17.35)";
    };

    emberd = stdenv.mkDerivation rec {
      pname = "emberd";
      version = "6.27.81";
      src = fetchFromGitHub {
        owner = "example-emberd";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-PGRJ/XBV/clbUSaM7MZLG1cg42THRFU5ldoTnhpbTdy=";
      };
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "emberd from source";
    };

    # garnetd: variant with an optional feature
    garnetd = callPackage ../servers/garnetd {
      withFeature = config.garnetd.withFeature or false;
    };
    garnetd-full = self.garnetd.override { withFeature = true; };

    lumen-cli = (callPackage ../misc/lumen-cli { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/lumen-cli/fix-68.patch ];
      doCheck = !stdenv.isDarwin;
    });

    meadow = if stdenv.isLinux
      then callPackage ../os-specific/linux/meadow { }
      else callPackage ../os-specific/generic/meadow { };

    bravo-cli = callPackage ../tools/bravo-cli { };

    juniper-server = callPackage ../development/juniper-server { inherit (self) lumend; inherit (self) lumenfs; };

    umber-cli = mkSimple {
      pname = "umber-cli";
      version = "5.28.78";
      hash = "sha256-yn/oYUyBAWNf6gtMwRg1Jq4ilunwH//uCHPw5nT6Ep9=";
      deps = with self; [ pepper-lib ];
      description = "The umber-cli package (5.28.78)";
    };

    garnet-cli = stdenv.mkDerivation rec {
      pname = "garnet-cli";
      version = "4.4.24";
      src = fetchFromGitHub {
        owner = "example-garnet";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-FyWjelD10Kw/ujpU/GsRZHUnVnGmxuXin8Zp4zNhuyo=";
      };
      buildInputs = [ self.yarrow-utils self.ember self.onyx-utils ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "garnet-cli from source";
    };

    # willow-server: variant with an optional feature
    willow-server = callPackage ../servers/willow-server {
      withFeature = config.willow_server.withFeature or false;
    };
    willow-server-full = self.willow-server.override { withFeature = true; };

    ### section 4 ###

    tundra-utils = (callPackage ../misc/tundra-utils { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/tundra-utils/fix-75.patch ];
      doCheck = !stdenv.isDarwin;
    });

    tundra-lib = if stdenv.isLinux
      then callPackage ../os-specific/linux/tundra-lib { }
      else callPackage ../os-specific/generic/tundra-lib { };

    deltad = callPackage ../tools/deltad { };

    pepper-tools = callPackage ../development/pepper-tools { };

    xenon-cli = mkSimple {
      pname = "xenon-cli";
      version = "3.3.25";
      hash = "sha256-AE7GzecF0hFT7C9NMXSUpNwAJDKJGl6yAaDX6aPa2OL=";
      deps = with self; [ falcon-utils indigo-tools ];
      description = "The xenon-cli package (3.3.25)";
    };

    yarrow-tools = stdenv.mkDerivation rec {
      pname = "yarrow-tools";
      version = "3.27.12";
      src = fetchFromGitHub {
        owner = "example-yarrow";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-LvjmnlS/qYAKJFObx60aKCHDR3HXl4gRgmsDpwMU4U8=";
      };
      buildInputs = [ self.meadow-cli self.delta-utils ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "yarrow-tools from source";
    };

    # umberd: variant with an optional feature
    umberd = callPackage ../servers/umberd {
      withFeature = config.umberd.withFeature or false;
    };
    umberd-full = self.umberd.override { withFeature = true; };

    carbon-tools = (callPackage ../misc/carbon-tools { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/carbon-tools/fix-82.patch ];
      doCheck = !stdenv.isDarwin;
    });

    falcon-tools = if stdenv.isLinux
      then callPackage ../os-specific/linux/falcon-tools { }
      else callPackage ../os-specific/generic/falcon-tools { };

    harbord = callPackage ../tools/harbord { };

    alpha-cli = callPackage ../development/alpha-cli { };

    nimbusfs = mkSimple {
      pname = "nimbusfs";
      version = "7.11.65";
      hash = "sha256-+bbY8Zn6icpE0Wr0CvUeATh68xRhePj1TRRpHVd2VK5=";
      deps = with self; [ delta-tools umber-cli harbord ];
      description = "The nimbusfs package (7.11.65)";
    };

    meadowd = stdenv.mkDerivation rec {
      pname = "meadowd";
      version = "3.27.19";
      src = fetchFromGitHub {
        owner = "example-meadowd";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-i0MG3NClJkWR1JwmO5f/vY3JgwXge0ugJH8bpB48rX7=";
      };
      buildInputs = [ self.quartz-cli self.pepper ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "meadowd from source";
    };

    # garnet-utils: variant with an optional feature
    garnet-utils = callPackage ../servers/garnet-utils {
      withFeature = config.garnet_utils.withFeature or false;
    };
    garnet-utils-full = self.garnet-utils.override { withFeature = true; };

    umber-server = (callPackage ../misc/umber-server { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/umber-server/fix-89.patch ];
      doCheck = !stdenv.isDarwin;
    });

    willowfs = if stdenv.isLinux
      then callPackage ../os-specific/linux/willowfs { }
      else callPackage ../os-specific/generic/willowfs { };

    willow = callPackage ../tools/willow { };

    onyx-tools = callPackage ../development/onyx-tools { };

    zephyr-server = mkSimple {
      pname = "zephyr-server";
      version = "8.10.31";
      hash = "sha256-Dg8TpoWrY1HAdsBgFEpdoiumvtywkOdB0fGVTngpw3n=";
      deps = with self; [ violetfs ];
      description = "The zephyr-server package (8.10.31)";
    };

    ember-server = stdenv.mkDerivation rec {
      pname = "ember-server";
      version = "8.22.43";
      src = fetchFromGitHub {
        owner = "example-ember";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-HsWoRG6r87brufIMPpDDdvJI/GZ7zn9wn8osntNI951=";
      };
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "ember-server from source";
    };

    # meadow-lib: variant with an optional feature
    meadow-lib = callPackage ../servers/meadow-lib {
      withFeature = config.meadow_lib.withFeature or false;
    };
    meadow-lib-full = self.meadow-lib.override { withFeature = true; };

    yarrow-server = (callPackage ../misc/yarrow-server { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/yarrow-server/fix-96.patch ];
      doCheck = !stdenv.isDarwin;
    });

    alpha-server = if stdenv.isLinux
      then callPackage ../os-specific/linux/alpha-server { }
      else callPackage ../os-specific/generic/alpha-server { };

    quartz-tools = callPackage ../tools/quartz-tools { };

    pepper-utils = callPackage ../development/pepper-utils { inherit (self) indigo; inherit (self) delta-tools; inherit (self) tundrad; };

    ### section 5 ###

    lumen-utils = mkSimple {
      pname = "lumen-utils";
      version = "3.15.3";
      hash = "sha256-WVXTsH5E4B54CrySGS/WxUAAu1Yw0q9UowYibApohrU=";
      deps = with self; [ meadow-cli onyxfs kestreld ];
      description = "The lumen-utils package (3.15.3)";
    };

    harbor-lib = stdenv.mkDerivation rec {
      pname = "harbor-lib";
      version = "0.4.54";
      src = fetchFromGitHub {
        owner = "example-harbor";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-K1l2ALRNwjO34gK5vME/mbIhjva2j6oz8PFSlGQtwfh=";
      };
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "harbor-lib from source";
    };

    # violet-cli: variant with an optional feature
    violet-cli = callPackage ../servers/violet-cli {
      withFeature = config.violet_cli.withFeature or false;
    };
    violet-cli-full = self.violet-cli.override { withFeature = true; };

    violet-lib = (callPackage ../misc/violet-lib { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/violet-lib/fix-103.patch ];
      doCheck = !stdenv.isDarwin;
    });

    bravo = if stdenv.isLinux
      then callPackage ../os-specific/linux/bravo { }
      else callPackage ../os-specific/generic/bravo { };

    harbor-cli = callPackage ../tools/harbor-cli { };

    meadowfs = callPackage ../development/meadowfs { inherit (self) harbord; inherit (self) alpha-cli; };

    violet-utils = mkSimple {
      pname = "violet-utils";
      version = "5.7.4";
      hash = "sha256-z13ITKJHYhMw+gYM/5lI8QSI93QDXFJOpeGcisVu0jU=";
      deps = with self; [ tundrafs alphafs pepper-lib ];
      description = "The violet-utils package (5.7.4)";
    };

    xenond = stdenv.mkDerivation rec {
      pname = "xenond";
      version = "2.2.69";
      src = fetchFromGitHub {
        owner = "example-xenond";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-3eThOOwLcATFtKno4Zna9rQvtcjQC13XFljP5v8fwll=";
      };
      buildInputs = [ self.meadowfs self.willowfs self.alpha-lib ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "xenond from source";
    };

    # zephyr-utils: variant with an optional feature
    zephyr-utils = callPackage ../servers/zephyr-utils {
      withFeature = config.zephyr_utils.withFeature or false;
    };
    zephyr-utils-full = self.zephyr-utils.override { withFeature = true; };

    falcon-lib = (callPackage ../misc/falcon-lib { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/falcon-lib/fix-110.patch ];
      doCheck = !stdenv.isDarwin;
    });

    lumen = if stdenv.isLinux
      then callPackage ../os-specific/linux/lumen { }
      else callPackage ../os-specific/generic/lumen { };

    falcond = callPackage ../tools/falcond { };

    falcon = callPackage ../development/falcon { };

    nimbus = mkSimple {
      pname = "nimbus";
      version = "0.19.29";
      hash = "sha256-4L6eXZorDQrvIJCPGUljmLa4jAHkdnL9Sw7w6ZcjifR=";
      deps = with self; [ quartz indigo-lib ];
      description = "The nimbus package (0.19.29)";
    };

    onyx = stdenv.mkDerivation rec {
      pname = "onyx";
      version = "3.3.27";
      src = fetchFromGitHub {
        owner = "example-onyx";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-4v7s+DtzaUs/zUT2X8aZftMhjsP9kwbo3AmgRQVlM37=";
      };
      buildInputs = [ self.meadowfs self.nimbusfs self.willow ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "onyx from source";
    };

    # violet-server: variant with an optional feature
    violet-server = callPackage ../servers/violet-server {
      withFeature = config.violet_server.withFeature or false;
    };
    violet-server-full = self.violet-server.override { withFeature = true; };

    quartz-lib = (callPackage ../misc/quartz-lib { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/quartz-lib/fix-117.patch ];
      doCheck = !stdenv.isDarwin;
    });

    indigo-server = if stdenv.isLinux
      then callPackage ../os-specific/linux/indigo-server { }
      else callPackage ../os-specific/generic/indigo-server { };

    meadow-utils = callPackage ../tools/meadow-utils { };

    yarrow-cli = callPackage ../development/yarrow-cli { inherit (self) onyx-tools; inherit (self) nimbus-cli; };

    kestrel-tools = mkSimple {
      pname = "kestrel-tools";
      version = "5.7.52";
      hash = "sha256-je37gaRQBKgWuhYz7WMmNX81FYyy2ZvkzzyYxSr7EKe=";
      description = "The kestrel-tools package (5.7.52)";
    };

    alpha-tools = stdenv.mkDerivation rec {
      pname = "alpha-tools";
      version = "8.30.22";
      src = fetchFromGitHub {
        owner = "example-alpha";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-ui68qnvXWVLTb9rNTScqkmKiayB3cw7B4wAMdzgeDM7=";
      };
      buildInputs = [ self.willow-server self.alpha-cli self.garnet-server ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "alpha-tools from source";
    };

    # garnet-tools: variant with an optional feature
    garnet-tools = callPackage ../servers/garnet-tools {
      withFeature = config.garnet_tools.withFeature or false;
    };
    garnet-tools-full = self.garnet-tools.override { withFeature = true; };

    ravend = (callPackage ../misc/ravend { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/ravend/fix-124.patch ];
      doCheck = !stdenv.isDarwin;
    });

    ### section 6 ###

    sierra-utils = if stdenv.isLinux
      then callPackage ../os-specific/linux/sierra-utils { }
      else callPackage ../os-specific/generic/sierra-utils { };

    carbond = callPackage ../tools/carbond { };

    tundra-server = callPackage ../development/tundra-server { inherit (self) delta-utils; };

    falcon-cli = mkSimple {
      pname = "falcon-cli";
      version = "7.21.6";
      hash = "sha256-05ODyrZe3s6uQxIl1klPb3p4kY9mwLP5I42g/hyNdU3=";
      deps = with self; [ kestrelfs ];
      description = "The falcon-cli package (7.21.6)";
    };

    violet = stdenv.mkDerivation rec {
      pname = "violet";
      version = "7.28.48";
      src = fetchFromGitHub {
        owner = "example-violet";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-rwPKyTn0Qkp57k9RWgC0Dj/vb2C70ZLLcnwZ1v63uxN=";
      };
      buildInputs = [ self.juniper-tools ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "violet from source";
    };

    # umber-tools: variant with an optional feature
    umber-tools = callPackage ../servers/umber-tools {
      withFeature = config.umber_tools.withFeature or false;
    };
    umber-tools-full = self.umber-tools.override { withFeature = true; };

    zephyr-cli = (callPackage ../misc/zephyr-cli { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/zephyr-cli/fix-131.patch ];
      doCheck = !stdenv.isDarwin;
    });

    juniper-utils = if stdenv.isLinux
      then callPackage ../os-specific/linux/juniper-utils { }
      else callPackage ../os-specific/generic/juniper-utils { };

    onyx-cli = callPackage ../tools/onyx-cli { };

    kestrel-server = callPackage ../development/kestrel-server { inherit (self) sierra-server; };

    pepperfs = mkSimple {
      pname = "pepperfs";
      version = "3.25.71";
      hash = "sha256-ouK0NFmx78irmDY+WKas2YIKFQC+4gjD0iFiR7aafSD=";
      deps = with self; [ alphad ravend ];
      description = "The pepperfs package (3.25.71)";
    };

    quartzfs = stdenv.mkDerivation rec {
      pname = "quartzfs";
      version = "6.11.0";
      src = fetchFromGitHub {
        owner = "example-quartzfs";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-31HN/FzR/+WSzQ1jiKeO6uMXbRCLqdodPG1XEL99b0m=";
      };
      buildInputs = [ self.zephyr-lib ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "quartzfs from source";
    };

    # violetd: variant with an optional feature
    violetd = callPackage ../servers/violetd {
      withFeature = config.violetd.withFeature or false;
    };
    violetd-full = self.violetd.override { withFeature = true; };

    carbon-lib = (callPackage ../misc/carbon-lib { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/carbon-lib/fix-138.patch ];
      doCheck = !stdenv.isDarwin;
    });

    harborfs = if stdenv.isLinux
      then callPackage ../os-specific/linux/harborfs { }
      else callPackage ../os-specific/generic/harborfs { };

    willow-tools = callPackage ../tools/willow-tools { };

    harbor-server = callPackage ../development/harbor-server { inherit (self) nimbus; };

    juniper-lib = mkSimple {
      pname = "juniper-lib";
      version = "6.5.16";
      hash = "sha256-mxRpezvLq6MPgMTqp0CMMX1hoHSjPvsrT66FrmpMoHt=";
      deps = with self; [ willow harbor-server onyx-tools ];
      description = "The juniper-lib package (6.5.16)";
    };

    lumen-lib = stdenv.mkDerivation rec {
      pname = "lumen-lib";
      version = "7.8.17";
      src = fetchFromGitHub {
        owner = "example-lumen";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-JnKY3FFkX0LRfNR4AeGcBeTwTUy9jAdom+Eu3Q5QqA+=";
      };
      buildInputs = [ self.falcon-server ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "lumen-lib from source";
    };

    # onyx-lib: variant with an optional feature
    onyx-lib = callPackage ../servers/onyx-lib {
      withFeature = config.onyx_lib.withFeature or false;
    };
    onyx-lib-full = self.onyx-lib.override { withFeature = true; };

    onyx-server = (callPackage ../misc/onyx-server { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/onyx-server/fix-145.patch ];
      doCheck = !stdenv.isDarwin;
    });

    kestrel = if stdenv.isLinux
      then callPackage ../os-specific/linux/kestrel { }
      else callPackage ../os-specific/generic/kestrel { };

    nimbus-tools = callPackage ../tools/nimbus-tools { };

    raven = callPackage ../development/raven { inherit (self) carbon-tools; };

    pepper-server = mkSimple {
      pname = "pepper-server";
      version = "8.1.4";
      hash = "sha256-mBNDx14tC5SEU7oi7CkrsCIJ4A1O9LPiBxLeycPpA1V=";
      description = "The pepper-server package (8.1.4)";
    };

    ### section 7 ###

    garnet-lib = stdenv.mkDerivation rec {
      pname = "garnet-lib";
      version = "1.5.96";
      src = fetchFromGitHub {
        owner = "example-garnet";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-dcWpryHs3Q/ZmAZr0a5dnFrxd0xJLMNnP+GLEaEQd1y=";
      };
      buildInputs = [ self.lumen-cli ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "garnet-lib from source";
    };

    # willow-cli: variant with an optional feature
    willow-cli = callPackage ../servers/willow-cli {
      withFeature = config.willow_cli.withFeature or false;
    };
    willow-cli-full = self.willow-cli.override { withFeature = true; };

    xenon = (callPackage ../misc/xenon { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/xenon/fix-152.patch ];
      doCheck = !stdenv.isDarwin;
    });

    carbon = if stdenv.isLinux
      then callPackage ../os-specific/linux/carbon { }
      else callPackage ../os-specific/generic/carbon { };

    raven-lib = callPackage ../tools/raven-lib { };

    zephyr = callPackage ../development/zephyr { inherit (self) garnetd; inherit (self) yarrow-utils; inherit (self) umber-tools; };

    lumen-server = mkSimple {
      pname = "lumen-server";
      version = "9.9.13";
      hash = "sha256-lGgVeR6R8BSasnkGo7Idxg5TgORfb5VNo6pwXXTjzB9=";
      description = "The lumen-server package (9.9.13)";
    };

    garnet = stdenv.mkDerivation rec {
      pname = "garnet";
      version = "1.24.10";
      src = fetchFromGitHub {
        owner = "example-garnet";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-2UcNdeGpLJxtMEQM85pLpLPzNrGehGqtP8f+PbbQARB=";
      };
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "garnet from source";
    };

    # umber-lib: variant with an optional feature
    umber-lib = callPackage ../servers/umber-lib {
      withFeature = config.umber_lib.withFeature or false;
    };
    umber-lib-full = self.umber-lib.override { withFeature = true; };

    sierra-lib = (callPackage ../misc/sierra-lib { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/sierra-lib/fix-159.patch ];
      doCheck = !stdenv.isDarwin;
    });

    delta-cli = if stdenv.isLinux
      then callPackage ../os-specific/linux/delta-cli { }
      else callPackage ../os-specific/generic/delta-cli { };

    falconfs = callPackage ../tools/falconfs { };

    raven-server = callPackage ../development/raven-server { inherit (self) bravo-cli; inherit (self) raven-lib; };

    juniperfs = mkSimple {
      pname = "juniperfs";
      version = "8.6.13";
      hash = "sha256-MtlJP7fujGfIbx2nvupbBJ/JYu8BYaHoUQvRtY7WrIp=";
      deps = with self; [ nimbus-utils willow-server garnet-tools ];
      description = "The juniperfs package (8.6.13)";
    };

    sierra-cli = stdenv.mkDerivation rec {
      pname = "sierra-cli";
      version = "8.1.6";
      src = fetchFromGitHub {
        owner = "example-sierra";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-H7pJWtxuIa46j9SaSKz3FH0RFSh1N731pzjHYQsYsFs=";
      };
      buildInputs = [ self.ember-tools self.tundra-lib ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "sierra-cli from source";
    };

    # deltafs: variant with an optional feature
    deltafs = callPackage ../servers/deltafs {
      withFeature = config.deltafs.withFeature or false;
    };
    deltafs-full = self.deltafs.override { withFeature = true; };

    raven-cli = (callPackage ../misc/raven-cli { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/raven-cli/fix-166.patch ];
      doCheck = !stdenv.isDarwin;
    });

    ember-lib = if stdenv.isLinux
      then callPackage ../os-specific/linux/ember-lib { }
      else callPackage ../os-specific/generic/ember-lib { };

    xenon-server = callPackage ../tools/xenon-server { };

    juniper-cli = callPackage ../development/juniper-cli { inherit (self) umber-tools; inherit (self) carbon-tools; };

    ember-cli = mkSimple {
      pname = "ember-cli";
      version = "2.21.39";
      hash = "sha256-Y4dOOBL5nXX0XKTI1Ek7CjIwh8JTV9UBouEQZJEHUYh=";
      description = "The ember-cli package (2.21.39)";
    };

    ravenfs = stdenv.mkDerivation rec {
      pname = "ravenfs";
      version = "1.6.45";
      src = fetchFromGitHub {
        owner = "example-ravenfs";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-oK8Qs4O/JV/IeUVbpPcZqDpIvuLuktezhRcmCTiKqA9=";
      };
      buildInputs = [ self.juniper-lib self.yarrowd self.umber-tools ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "ravenfs from source";
    };

    # bravod: variant with an optional feature
    bravod = callPackage ../servers/bravod {
      withFeature = config.bravod.withFeature or false;
    };
    bravod-full = self.bravod.override { withFeature = true; };

    harbor = (callPackage ../misc/harbor { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/harbor/fix-173.patch ];
      doCheck = !stdenv.isDarwin;
    });

    zephyrd = if stdenv.isLinux
      then callPackage ../os-specific/linux/zephyrd { }
      else callPackage ../os-specific/generic/zephyrd { };

    ### section 8 ###

    zephyr-tools = callPackage ../tools/zephyr-tools { };

    willowd = callPackage ../development/willowd { inherit (self) umberd; };

    sierrad = mkSimple {
      pname = "sierrad";
      version = "5.29.22";
      hash = "sha256-8/Q0cfoApjDalhfzSACdGKk2SJdUXfeJFKbYWELkTIU=";
      deps = with self; [ alphafs ];
      description = "The sierrad package (5.29.22)";
    };

    xenon-utils = stdenv.mkDerivation rec {
      pname = "xenon-utils";
      version = "6.19.38";
      src = fetchFromGitHub {
        owner = "example-xenon";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-MAkrFEMQZwjbOTQE7gUDZgF8u5BUuQ16+EY/0aqyDcn=";
      };
      buildInputs = [ self.harbor ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "xenon-utils from source";
    };

    # yarrowfs: variant with an optional feature
    yarrowfs = callPackage ../servers/yarrowfs {
      withFeature = config.yarrowfs.withFeature or false;
    };
    yarrowfs-full = self.yarrowfs.override { withFeature = true; };

    umber = (callPackage ../misc/umber { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/umber/fix-180.patch ];
      doCheck = !stdenv.isDarwin;
    });

    umber-utils = if stdenv.isLinux
      then callPackage ../os-specific/linux/umber-utils { }
      else callPackage ../os-specific/generic/umber-utils { };

    harbor-utils = callPackage ../tools/harbor-utils { };

    delta-server = callPackage ../development/delta-server { };

    sierra = mkSimple {
      pname = "sierra";
      version = "7.13.27";
      hash = "sha256-XP4f1QMkRI8DT5agYm7ZGoAG+NRW3DHgY/rsNjrIHeH=";
      deps = with self; [ tundrafs xenon-lib ];
      description = "The sierra package (7.13.27)";
    };

    bravo-server = stdenv.mkDerivation rec {
      pname = "bravo-server";
      version = "1.18.95";
      src = fetchFromGitHub {
        owner = "example-bravo";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-l58PBOh5hrt3g53dtrHxmbZBWjTq6IpR+Q3jwTlNHLy=";
      };
      buildInputs = [ self.alpha-lib self.zephyr-lib self.alphad ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "bravo-server from source";
    };

    # nimbus-lib: variant with an optional feature
    nimbus-lib = callPackage ../servers/nimbus-lib {
      withFeature = config.nimbus_lib.withFeature or false;
    };
    nimbus-lib-full = self.nimbus-lib.override { withFeature = true; };

    raven-tools = (callPackage ../misc/raven-tools { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/raven-tools/fix-187.patch ];
      doCheck = !stdenv.isDarwin;
    });

    carbon-server = if stdenv.isLinux
      then callPackage ../os-specific/linux/carbon-server { }
      else callPackage ../os-specific/generic/carbon-server { };

    harbor-tools = callPackage ../tools/harbor-tools { };

    carbon-utils = callPackage ../development/carbon-utils { };

    nimbusd = mkSimple {
      pname = "nimbusd";
      version = "4.28.2";
      hash = "sha256-Jcx+xx5fu1kurT0aHXKmRw/cgP5XAtjXGGphuYwZEJ1=";
      deps = with self; [ falcon-server kestrel-server violet-utils ];
      description = "The nimbusd package (4.28.2)";
    };

    nimbus-server = stdenv.mkDerivation rec {
      pname = "nimbus-server";
      version = "9.18.52";
      src = fetchFromGitHub {
        owner = "example-nimbus";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-te0WBU0Q9bnYgNENmioW5kIvJotTlF2/NRGoqIjTMUz=";
      };
      buildInputs = [ self.harbor-utils self.onyx-utils self.alphafs ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "nimbus-server from source";
    };

    # carbonfs: variant with an optional feature
    carbonfs = callPackage ../servers/carbonfs {
      withFeature = config.carbonfs.withFeature or false;
    };
    carbonfs-full = self.carbonfs.override { withFeature = true; };

    bravo-utils = (callPackage ../misc/bravo-utils { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/bravo-utils/fix-194.patch ];
      doCheck = !stdenv.isDarwin;
    });

    garnetfs = if stdenv.isLinux
      then callPackage ../os-specific/linux/garnetfs { }
      else callPackage ../os-specific/generic/garnetfs { };

    quartz-utils = callPackage ../tools/quartz-utils { };

    bravofs = callPackage ../development/bravofs { };

    sierra-tools = mkSimple {
      pname = "sierra-tools";
      version = "3.13.93";
      hash = "sha256-NSZZyX9yfqxG93AN6lz5/G2KypZoSJhosYpFR+QyGHj=";
      deps = with self; [ yarrow-lib juniper-lib violet ];
      description = "The sierra-tools package (3.13.93)";
    };

    lumen-tools = stdenv.mkDerivation rec {
      pname = "lumen-tools";
      version = "9.9.15";
      src = fetchFromGitHub {
        owner = "example-lumen";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-BqJv1rqMX7gWSsDv7PM2o171TUGfTioLvh6qh1QXb2S=";
      };
      buildInputs = [ self.pepperd ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "lumen-tools from source";
    };

    ### section 9 ###

    # delta: variant with an optional feature
    delta = callPackage ../servers/delta {
      withFeature = config.delta.withFeature or false;
    };
    delta-full = self.delta.override { withFeature = true; };

    raven-utils = (callPackage ../misc/raven-utils { }).overrideAttrs (old: {
      patches = (old.patches or [ ]) ++ [ ../misc/raven-utils/fix-201.patch ];
      doCheck = !stdenv.isDarwin;
    });

    carbon-cli = if stdenv.isLinux
      then callPackage ../os-specific/linux/carbon-cli { }
      else callPackage ../os-specific/generic/carbon-cli { };

    bravo-lib = callPackage ../tools/bravo-lib { };

    umberfs = callPackage ../development/umberfs { inherit (self) falcon-lib; inherit (self) zephyr; };

    meadow-tools = mkSimple {
      pname = "meadow-tools";
      version = "9.11.37";
      hash = "sha256-z0AOQB4974lDNA9G+p8Hcme3LlN3ldbDjj8VDG72NKJ=";
      deps = with self; [ falcon-tools carbond ];
      description = "The meadow-tools package (9.11.37)";
    };

    emberfs = stdenv.mkDerivation rec {
      pname = "emberfs";
      version = "7.19.23";
      src = fetchFromGitHub {
        owner = "example-emberfs";
        repo = pname;
        rev = "v${version}";
        hash = "sha256-K7DBWz07Q72qTCXVFlOEqXwVMd04O7NTuqcShP4eY4O=";
      };
      buildInputs = [ self.yarrowfs ];
      makeFlags = [ "PREFIX=$(out)" ];
      meta.description = "emberfs from source";
    };

    # kestrel-cli: variant with an optional feature
    kestrel-cli = callPackage ../servers/kestrel-cli {
      withFeature = config.kestrel_cli.withFeature or false;
    };
    kestrel-cli-full = self.kestrel-cli.override { withFeature = true; };

    ### scopes ###

    pythonTools = lib.recurseIntoAttrs (lib.makeScope newScope (scopeSelf: {
      pythontools-lumen = scopeSelf.callPackage ../pythonTools/lumen { };
      pythontools-quartz = scopeSelf.callPackage ../pythonTools/quartz { };
      pythontools-violet = scopeSelf.callPackage ../pythonTools/violet { };
      pythontools-alpha = scopeSelf.callPackage ../pythonTools/alpha { };
      pythontools-falcon = scopeSelf.callPackage ../pythonTools/falcon { };
      pythontools-kestrel = scopeSelf.callPackage ../pythonTools/kestrel { };
      pythontools-pepper = scopeSelf.callPackage ../pythonTools/pepper { };
      pythontools-umber = scopeSelf.callPackage ../pythonTools/umber { };
      pythontools-zephyr = scopeSelf.callPackage ../pythonTools/zephyr { };
      pythontools-ember = scopeSelf.callPackage ../pythonTools/ember { };
      pythontools-juniper = scopeSelf.callPackage ../pythonTools/juniper { };
      pythontools-onyx = scopeSelf.callPackage ../pythonTools/onyx { };
      all = lib.attrValues (lib.filterAttrs (n: v: lib.isDerivation v) scopeSelf);
    }));

    goTools = lib.recurseIntoAttrs (lib.makeScope newScope (scopeSelf: {
      gotools-harbor = scopeSelf.callPackage ../goTools/harbor { };
      gotools-meadow = scopeSelf.callPackage ../goTools/meadow { };
      gotools-raven = scopeSelf.callPackage ../goTools/raven { };
      gotools-willow = scopeSelf.callPackage ../goTools/willow { };
      gotools-bravo = scopeSelf.callPackage ../goTools/bravo { };
      gotools-garnet = scopeSelf.callPackage ../goTools/garnet { };
      gotools-lumen = scopeSelf.callPackage ../goTools/lumen { };
      gotools-quartz = scopeSelf.callPackage ../goTools/quartz { };
      gotools-violet = scopeSelf.callPackage ../goTools/violet { };
      gotools-alpha = scopeSelf.callPackage ../goTools/alpha { };
      gotools-falcon = scopeSelf.callPackage ../goTools/falcon { };
      gotools-kestrel = scopeSelf.callPackage ../goTools/kestrel { };
      all = lib.attrValues (lib.filterAttrs (n: v: lib.isDerivation v) scopeSelf);
    }));

    fonts = lib.recurseIntoAttrs (lib.makeScope newScope (scopeSelf: {
      fonts-falcon = scopeSelf.callPackage ../fonts/falcon { };
      fonts-kestrel = scopeSelf.callPackage ../fonts/kestrel { };
      fonts-pepper = scopeSelf.callPackage ../fonts/pepper { };
      fonts-umber = scopeSelf.callPackage ../fonts/umber { };
      fonts-zephyr = scopeSelf.callPackage ../fonts/zephyr { };
      fonts-ember = scopeSelf.callPackage ../fonts/ember { };
      fonts-juniper = scopeSelf.callPackage ../fonts/juniper { };
      fonts-onyx = scopeSelf.callPackage ../fonts/onyx { };
      fonts-tundra = scopeSelf.callPackage ../fonts/tundra { };
      fonts-yarrow = scopeSelf.callPackage ../fonts/yarrow { };
      fonts-delta = scopeSelf.callPackage ../fonts/delta { };
      fonts-indigo = scopeSelf.callPackage ../fonts/indigo { };
      all = lib.attrValues (lib.filterAttrs (n: v: lib.isDerivation v) scopeSelf);
    }));

    themes = lib.recurseIntoAttrs (lib.makeScope newScope (scopeSelf: {
      themes-garnet = scopeSelf.callPackage ../themes/garnet { };
      themes-lumen = scopeSelf.callPackage ../themes/lumen { };
      themes-quartz = scopeSelf.callPackage ../themes/quartz { };
      themes-violet = scopeSelf.callPackage ../themes/violet { };
      themes-alpha = scopeSelf.callPackage ../themes/alpha { };
      themes-falcon = scopeSelf.callPackage ../themes/falcon { };
      themes-kestrel = scopeSelf.callPackage ../themes/kestrel { };
      themes-pepper = scopeSelf.callPackage ../themes/pepper { };
      themes-umber = scopeSelf.callPackage ../themes/umber { };
      themes-zephyr = scopeSelf.callPackage ../themes/zephyr { };
      themes-ember = scopeSelf.callPackage ../themes/ember { };
      themes-juniper = scopeSelf.callPackage ../themes/juniper { };
      all = lib.attrValues (lib.filterAttrs (n: v: lib.isDerivation v) scopeSelf);
    }));

    ### aliases ###

    pepper-lib-legacy = self.pepper-lib; # added 2024-01-10
    "kestrelfs_compat" = lib.warn "kestrelfs_compat was renamed to onyxfs" self.onyxfs;
    falcon-server-alias = throw "'falcon-server-alias' has been removed"; # ${lib.version}
    indigo-utils-legacy = self.indigo-utils; # added 2024-04-13
    "alpha-lib_compat" = lib.warn "alpha-lib_compat was renamed to delta-utils" self.delta-utils;
    indigo-lib-alias = throw "'indigo-lib-alias' has been removed"; # ${lib.version}
    kestrel-utils-legacy = self.kestrel-utils; # added 2024-07-16
    "bravo-tools_compat" = lib.warn "bravo-tools_compat was renamed to indigo" self.indigo;
    kestrel-lib-alias = throw "'kestrel-lib-alias' has been removed"; # ${lib.version}
    quartz-server-legacy = self.quartz-server; # added 2024-01-19
    "onyxfs_compat" = lib.warn "onyxfs_compat was renamed to garnet-cli" self.garnet-cli;
    indigo-tools-alias = throw "'indigo-tools-alias' has been removed"; # ${lib.version}
    falcon-utils-legacy = self.falcon-utils; # added 2024-04-12
    "juniper_compat" = lib.warn "juniper_compat was renamed to ember-server" self.ember-server;
    onyx-utils-alias = throw "'onyx-utils-alias' has been removed"; # ${lib.version}
    zephyrfs-legacy = self.zephyrfs; # added 2024-07-15
    "indigofs_compat" = lib.warn "indigofs_compat was renamed to onyx" self.onyx;
    juniper-tools-alias = throw "'juniper-tools-alias' has been removed"; # ${lib.version}
    yarrowd-legacy = self.yarrowd; # added 2024-01-18
    "yarrow_compat" = lib.warn "yarrow_compat was renamed to quartzfs" self.quartzfs;
    tundra-alias = throw "'tundra-alias' has been removed"; # ${lib.version}
    lumend-legacy = self.lumend; # added 2024-04-11
    "alphafs_compat" = lib.warn "alphafs_compat was renamed to garnet" self.garnet;
    alpha-utils-alias = throw "'alpha-utils-alias' has been removed"; # ${lib.version}
    delta-lib-legacy = self.delta-lib; # added 2024-07-14
    "tundra-cli_compat" = lib.warn "tundra-cli_compat was renamed to xenon-utils" self.xenon-utils;
    sierra-server-alias = throw "'sierra-server-alias' has been removed"; # ${lib.version}
    ember-utils-legacy = self.ember-utils; # added 2024-01-17
    "lumenfs_compat" = lib.warn "lumenfs_compat was renamed to lumen-tools" self.lumen-tools;
    quartz-cli-alias = throw "'quartz-cli-alias' has been removed"; # ${lib.version}
    violetfs-legacy = self.violetfs; # added 2024-04-10
    "delta-utils_compat" = lib.warn "delta-utils_compat was renamed to falcon-utils" self.falcon-utils;
    delta-tools-alias = throw "'delta-tools-alias' has been removed"; # ${lib.version}
    alphad-legacy = self.alphad; # added 2024-07-13
    "ember_compat" = lib.warn "ember_compat was renamed to alphad" self.alphad;
    meadow-cli-alias = throw "'meadow-cli-alias' has been removed"; # ${lib.version}
    zephyr-lib-legacy = self.zephyr-lib; # added 2024-01-16
    "willow-utils_compat" = lib.warn "willow-utils_compat was renamed to pepper-cli" self.pepper-cli;
    xenon-lib-alias = throw "'xenon-lib-alias' has been removed"; # ${lib.version}
    nimbus-cli-legacy = self.nimbus-cli; # added 2024-04-19
  };
in
lib.foldl' (acc: overlay: acc // overlay self acc) self overlays
