./src + "/main.c"
