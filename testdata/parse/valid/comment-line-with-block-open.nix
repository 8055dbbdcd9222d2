# /* this does not open a block comment
1
