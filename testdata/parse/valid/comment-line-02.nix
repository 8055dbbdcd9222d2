1 # trailing comment
