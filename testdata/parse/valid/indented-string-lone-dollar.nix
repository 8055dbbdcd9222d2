''
  cost $5 and $HOME and $
''
