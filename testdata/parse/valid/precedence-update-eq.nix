a // b == c // d
