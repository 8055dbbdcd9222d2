"escaped newline via backslash: \
continues here"
