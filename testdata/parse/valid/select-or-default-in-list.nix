[ a.b or 1 c.d or 2 ]
