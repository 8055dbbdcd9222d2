# error: 5:3 keyword 'if' used as a let binding name
# after: b
let
  a = 1;
  if = 2;
  b = 3;
in a
