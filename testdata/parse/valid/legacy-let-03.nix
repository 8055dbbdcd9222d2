let { inherit x; body = x; }
