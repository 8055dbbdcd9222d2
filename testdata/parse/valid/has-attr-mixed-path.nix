a ? "b".${c}.d
