if a then 1 else if b then 2 else if c then 3 else 4
