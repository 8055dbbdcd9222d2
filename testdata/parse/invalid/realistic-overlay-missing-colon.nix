# error: 3:11 overlay lambda missing the ':' after its first argument
# after: hello patches version ripgrep-all
final prev: {
  hello = prev.hello.overrideAttrs (old: {
    patches = [ ];
    version = "custom";
  });
  ripgrep-all = final.callPackage ./rga.nix { };
}
