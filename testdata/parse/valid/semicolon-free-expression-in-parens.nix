(let a = 1; in a) + (with { b = 2; }; b) + (assert true; 3)
