{ inherit (e) a b; }
