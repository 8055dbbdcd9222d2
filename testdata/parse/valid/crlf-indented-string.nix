''
  line one
  line two
''
