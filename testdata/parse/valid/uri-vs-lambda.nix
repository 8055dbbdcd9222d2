# "x:x" is a URI; "x: x" is a lambda
[ x:x (x: x) ]
