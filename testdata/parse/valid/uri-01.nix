http://x.org/p?q=1
