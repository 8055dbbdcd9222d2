rec {
  inherit a;
  inherit (b) c d;
  e = 1;
  inherit "f";
}
