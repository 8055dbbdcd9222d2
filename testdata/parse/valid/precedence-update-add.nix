a + b // c + d
