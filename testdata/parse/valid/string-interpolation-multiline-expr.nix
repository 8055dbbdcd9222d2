"result: ${
  let
    a = 1;
    b = 2;
  in
    toString (a + b)
}."
