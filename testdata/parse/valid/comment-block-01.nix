/* block comment */ 1
