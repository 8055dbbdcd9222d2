a && b
