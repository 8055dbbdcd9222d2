# !a + b parses as !(a + b)
!a + b
