"${ /* comment inside interpolation */ x # line comment
}"
