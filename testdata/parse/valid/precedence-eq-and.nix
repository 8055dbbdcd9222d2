a == b && c != d
