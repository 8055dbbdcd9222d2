# "a->b" lexes as the identifier a- followed by > and b
a->b
