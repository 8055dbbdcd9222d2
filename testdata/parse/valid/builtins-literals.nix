[ true false null builtins.currentSystem ]
