if a -> b then c else d
