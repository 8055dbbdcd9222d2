# error: 8:2 block comment not terminated at the end of a let
# after:
let
  a = 1;
  b = 2;
in
  a + b
/* trailing comment that is never closed
