a ++ b
