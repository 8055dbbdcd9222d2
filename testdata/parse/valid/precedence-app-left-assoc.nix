(f a) b (g c) d
