let f = x: x; in y: f y
