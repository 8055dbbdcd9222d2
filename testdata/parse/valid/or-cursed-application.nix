# the "cursed or": f applied to the variable or
f or
