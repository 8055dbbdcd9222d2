{ foo-bar = 1; foo_bar = 2; x' = 3; x'' = 4; _private = 5; __dunder = 6; a1-2'b = 7; }
