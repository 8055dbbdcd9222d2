''
  "quoted" and \"escaped\" and \n literally
''
