{ "a" = 1; "with space" = 2; "" = 3; "1starts-with-digit" = 4; }
