let a = 1; in let b = 2; in let c = 3; in let d = 4; in let e = 5; in let f = 6; in a + b + c + d + e + f
