# Stands in for nixpkgs' assertions module, which the nixpkgs.lib source lacks.
{ ... }: { }
