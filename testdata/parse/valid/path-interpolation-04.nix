a/${b}/c
