# error: 4:14 list starting with a negative literal
# after: n m
let
  deltas = [ -1 ];
  n = 1;
  m = 2;
in deltas
