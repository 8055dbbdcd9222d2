{ inherit (x) "quoted" or; }
