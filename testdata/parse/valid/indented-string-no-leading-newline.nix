''   text on the first line
  second
''
