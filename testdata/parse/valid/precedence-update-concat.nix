a // b ++ c
