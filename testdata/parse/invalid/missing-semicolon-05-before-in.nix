# error: 7:1 missing ';' after the last let binding, before 'in'
# after: x y z
let
  x = 1;
  y = 2;
  z = x + y
in
{ inherit x y z; }
