[ ./a.nix ../b.nix /c /d/e <f> ~/g ]
