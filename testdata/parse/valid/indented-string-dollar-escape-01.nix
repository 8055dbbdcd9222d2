''
  echo ''${HOME}
''
