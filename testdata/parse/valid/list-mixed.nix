[ 1 "two" ./three { four = 4; } [ 5 ] (x: x) null true false 6.0 <seven> ]
