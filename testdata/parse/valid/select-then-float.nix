# .0 after a select lexes as the float .0, applied as an argument
a.b.0
