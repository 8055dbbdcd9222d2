"${toString (1 + 2)} items"
