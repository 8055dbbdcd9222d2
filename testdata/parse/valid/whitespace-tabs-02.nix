let
	x = 1;
	y = x + 1;
in
	{ inherit x y; }
