"cost $5, $HOME, $ and $$"
