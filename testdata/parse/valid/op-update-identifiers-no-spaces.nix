a//b
