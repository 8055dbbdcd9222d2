a * b + c
