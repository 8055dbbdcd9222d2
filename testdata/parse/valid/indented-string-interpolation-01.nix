''
  name: ${name}
  version: ${version}
''
