# error: 6:24 chained '!=' and '==' (non-associative)
# after: other
let
  x = 1;
  y = 2;
  isDifferent = x != y == true;
  other = 3;
in isDifferent
