/abs
