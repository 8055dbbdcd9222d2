''
  ${header}
    ${body}
  ${footer}
''
