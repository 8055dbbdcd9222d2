"backslash \\ and quote \" inside"
