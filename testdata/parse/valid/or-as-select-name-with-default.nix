x.or or y
