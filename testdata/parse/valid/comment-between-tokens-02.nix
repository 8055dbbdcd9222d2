{ # c
  a # c
  = # c
  1 # c
  ; # c
} # c
