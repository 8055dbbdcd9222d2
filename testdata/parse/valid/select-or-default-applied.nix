f a.b or c d
