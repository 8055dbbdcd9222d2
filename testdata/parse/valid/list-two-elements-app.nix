# [ f x ] is a two-element list, not an application
[ f x ]
