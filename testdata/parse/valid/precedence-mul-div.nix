a * b / c * d
