a / b / c
