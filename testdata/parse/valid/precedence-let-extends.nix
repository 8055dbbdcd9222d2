let a = 1; in a + 2 // { }
