1 + (if a then 2 else 3) * 4
