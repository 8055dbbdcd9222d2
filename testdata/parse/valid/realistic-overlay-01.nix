final: prev: {
  hello = prev.hello.overrideAttrs (old: {
    pname = "hello-patched";
    patches = (old.patches or [ ]) ++ [ ./hello-greeting.patch ];
    doCheck = false;
  });

  htop-minimal = prev.htop.override {
    sensorsSupport = false;
    systemdSupport = false;
  };

  myScripts = final.callPackage ./scripts { };
}
