# a-b is one identifier, not subtraction
a-b
