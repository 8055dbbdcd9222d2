x.a.b.c
