a.b or c || d
