x."${y}-suffix".${ "z" }
