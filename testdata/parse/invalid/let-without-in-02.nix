# error: 6:1 top-level 'let' without 'in'
# after: a b
let
  a = 1;
  b = 2;
{ inherit a b; }
