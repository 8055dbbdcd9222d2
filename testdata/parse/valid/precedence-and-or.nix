a && b || c
