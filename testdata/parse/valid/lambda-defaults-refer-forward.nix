{ a ? b, b ? 2 }: a
