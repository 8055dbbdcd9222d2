# error: 7:1 a second expression (an if) after a top-level let
# after:
let
  x = 1;
in
  x
if x == 1 then "one" else "other"
