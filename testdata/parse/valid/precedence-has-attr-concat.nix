a ++ b ? c
