{ "if" = 1; "then" = 2; "let" = 3; "in" = 4; "rec" = 5; }
