assert a; b -> c
