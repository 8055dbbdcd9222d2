assert true; with pkgs; let a = 1; in a
