a.b or c
