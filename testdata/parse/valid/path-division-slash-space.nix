# "a/ b" is division: a path needs a character after the slash
a/ b
