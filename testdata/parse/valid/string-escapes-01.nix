"line one\nline two"
