with { a = 1; }; with { b = 2; }; let c = 3; in a + b + c
