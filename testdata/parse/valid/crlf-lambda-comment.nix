/* block
   comment */
{ a, b ? 1 }:
a + b
