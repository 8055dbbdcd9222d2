{ inherit (x); }
