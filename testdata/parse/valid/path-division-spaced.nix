# spaced slash is division, not a path
a / b
