"x${ builtins.toJSON { a = 1; b = { c = [ 2 3 ]; }; } }y"
