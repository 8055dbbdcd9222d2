[ (with x; y) z ]
