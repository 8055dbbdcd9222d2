''
  two single quotes: '''
''
