a -> b
