# A let binds names written as quoted keys and as interpolations of plain strings.
let
  ${"alpha"} = 1;
  ${''beta''} = 2;
  "gamma" = 3;
in
alpha + beta + gamma
