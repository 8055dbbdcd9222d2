# any other escaped character yields itself
"\a\b\q\z\0\{\}"
