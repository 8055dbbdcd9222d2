assert x > 0; x
