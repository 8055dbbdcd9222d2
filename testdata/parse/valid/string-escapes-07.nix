"\$ and \\$ and \\\$"
