# error: 5:10 missing '=' in a let binding
# after: b c
let
  a = 1;
  double x: x * 2;
  b = 2;
  c = a + b;
in
c
