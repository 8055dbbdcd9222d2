# error: 9:1 missing '}' closing the let-bound attrset
# after: b c
let
  a = {
    x = 1;
    y = 2;
  b = 3;
  c = 4;
in
a
