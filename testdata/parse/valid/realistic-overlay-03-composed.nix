{ lib }:

let
  overlayA = final: prev: { a = 1; shared = "from-a"; };
  overlayB = final: prev: { b = prev.a + 1; shared = prev.shared + "+b"; };
  overlayC = final: prev: {
    c = final.b * 10;
    shared = "${prev.shared}+c";
    nested = (prev.nested or { }) // { fromC = true; };
  };
in
lib.composeManyExtensions [ overlayA overlayB overlayC ]
