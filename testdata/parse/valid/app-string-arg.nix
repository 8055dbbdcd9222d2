toString "x"
