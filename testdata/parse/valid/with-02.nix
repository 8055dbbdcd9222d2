with lib; with builtins; mapAttrs (n: v: v) { }
