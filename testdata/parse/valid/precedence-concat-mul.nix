a * b ++ c
