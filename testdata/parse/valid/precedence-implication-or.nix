a || b -> c && d
