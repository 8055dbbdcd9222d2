"hello ${name}!"
