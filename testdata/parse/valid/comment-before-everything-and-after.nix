# leading
/* leading block */
true
# trailing
/* trailing block */
