!a || b
