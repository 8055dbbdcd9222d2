x.${y}.z
