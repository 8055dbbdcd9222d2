!a == b
