# dynamic attrs are rejected only at the top level of a let binding's path
let a.${b} = 1; in a
