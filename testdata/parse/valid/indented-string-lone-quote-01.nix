''
  it's a lone quote
  don't stop here
''
