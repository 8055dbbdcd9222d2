f a.b c
