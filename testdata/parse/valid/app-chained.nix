f x y z
