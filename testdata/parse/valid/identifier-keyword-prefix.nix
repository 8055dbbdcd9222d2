let iffy = 1; letter = 2; inherits = 3; within = 4; recursive = 5; thenx = 6; elsewhere = 7; assertion = 8; inner = 9; order = 10; in
[ iffy letter inherits within recursive thenx elsewhere assertion inner order ]
