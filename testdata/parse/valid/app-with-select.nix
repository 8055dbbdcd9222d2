builtins.map f list
