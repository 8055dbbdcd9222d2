f x
