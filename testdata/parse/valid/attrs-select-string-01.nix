x."a b".c
