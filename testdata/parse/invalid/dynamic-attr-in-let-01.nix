# error: 3:1 dynamic attribute name in a let binding
# after: other
let
  name = "foo";
  ${name} = 1;
  other = 2;
in other
