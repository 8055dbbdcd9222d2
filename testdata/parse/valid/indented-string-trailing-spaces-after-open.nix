''     
  content
''
