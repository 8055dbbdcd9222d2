a ? k ++ j * i + h // g < f == e && d || c -> b
