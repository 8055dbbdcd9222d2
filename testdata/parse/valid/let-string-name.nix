let "quoted name" = 1; in 2
