{ f = x: x; g = { a }: a; h = a@{ ... }: a; }
