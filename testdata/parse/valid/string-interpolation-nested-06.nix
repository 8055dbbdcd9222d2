"${ let s = "}"; in s + "${ if true then "{" else "}" }" }"
