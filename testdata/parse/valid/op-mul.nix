a * b
