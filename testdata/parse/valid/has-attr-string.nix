x ? "a b".c
