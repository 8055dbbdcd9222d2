let
  /** the answer */
  answer = 42;
  /** doubles its argument */
  double = n: n * 2;
in
double answer
