# error: 6:16 only comments and blank lines
# after:

/* nothing here */

# still nothing
