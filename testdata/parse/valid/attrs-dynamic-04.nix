{ ${if cond then "yes" else "no"} = true; }
