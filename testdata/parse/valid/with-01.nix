with pkgs; [ hello git ]
