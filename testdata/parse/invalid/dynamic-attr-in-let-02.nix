# error: 3:1 interpolated string attribute name in a let binding
# after: c
let
  a = "x";
  "${a}-suffix" = 1;
  c = 3;
in c
