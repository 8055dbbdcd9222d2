let f' = 1; f'' = 2; f-g-h = 3; f'-'g = 4; in f' + f'' + f-g-h + f'-'g
