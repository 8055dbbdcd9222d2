mkDerivation { name = "x"; }
