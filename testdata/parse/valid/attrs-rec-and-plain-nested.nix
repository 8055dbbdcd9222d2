{ a = rec { b = 1; c = b; }; d = { e = 1; }; }
