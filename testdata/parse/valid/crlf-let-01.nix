let
  x = 1;
  # comment
  y = x + 1;
in
  x + y
