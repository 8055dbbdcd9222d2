# error: 2:9 file holds only comments, no expression
# after:
