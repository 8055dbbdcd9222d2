x ? a.b.c
