with a; b // c
