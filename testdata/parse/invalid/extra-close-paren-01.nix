# error: 5:14 extra ')' after an expression
# after: total label
let
  x = 1;
  y = (x + 1));
  total = x + y;
  label = "sum";
in
{ inherit total label; }
