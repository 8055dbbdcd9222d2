a || b
