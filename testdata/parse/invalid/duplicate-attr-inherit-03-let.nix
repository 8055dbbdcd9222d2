# error: 5:21 inherit of a name already bound in the same let
# after: b
let
  a = 1;
  inherit (builtins) a;
  b = 2;
in a + b
