a.b.c or d.e
