let true = false; null = 0; in [ true null ]
