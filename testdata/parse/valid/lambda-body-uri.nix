x: y: x:y
