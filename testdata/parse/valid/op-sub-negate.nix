a - -b
