f (g (h x))
