f 1 "s" ./p [ ] { } null
