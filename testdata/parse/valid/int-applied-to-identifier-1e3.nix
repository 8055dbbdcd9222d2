# 1e3 is not a float: it is the integer 1 applied to the identifier e3
1e3
