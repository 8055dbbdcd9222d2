{ inherit a b c; }
