"a$b$c${d}$"
