{ inherit "quoted" or; }
