''
  	mixed spaces then tab
  two spaces
''
