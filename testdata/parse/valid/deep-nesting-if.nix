if a then if b then if c then 1 else 2 else if d then 3 else 4 else if e then 5 else 6
