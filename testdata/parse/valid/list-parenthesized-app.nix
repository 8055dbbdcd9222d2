[ (f x) y ]
