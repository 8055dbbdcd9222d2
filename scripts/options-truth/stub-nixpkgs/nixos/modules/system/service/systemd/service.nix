# Stands in for nixpkgs' systemd service module, which the nixpkgs.lib source lacks.
{ ... }: { }
