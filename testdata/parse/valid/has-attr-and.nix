a ? b && c
