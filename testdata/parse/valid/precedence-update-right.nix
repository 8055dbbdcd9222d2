a // b // c
