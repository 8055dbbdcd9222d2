a: { b, c ? a }: d: [ a b c d ]
