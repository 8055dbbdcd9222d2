# error: 6:3 let binding 'x' defined twice
# after: z
let
  x = 1;
  y = 2;
  x = 3;
  z = 4;
in x + y + z
