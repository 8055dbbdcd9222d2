# Stands in for nixpkgs' meta module, which the nixpkgs.lib source lacks.
{ ... }: { }
