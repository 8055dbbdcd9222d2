''
  # not a nix comment
  /* nor this */
''
