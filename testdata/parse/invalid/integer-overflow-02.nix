# error: 4:7 integer literal one past the int64 maximum
# after: b
let
  a = 9223372036854775808;
  b = 1;
in b
