# a line comment
1
