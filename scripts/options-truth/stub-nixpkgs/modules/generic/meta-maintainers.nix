# Stands in for nixpkgs' meta-maintainers module, which the nixpkgs.lib source lacks.
{ ... }: { }
