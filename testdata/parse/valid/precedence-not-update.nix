!a // b
