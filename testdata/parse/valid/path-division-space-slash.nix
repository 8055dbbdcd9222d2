a /b
