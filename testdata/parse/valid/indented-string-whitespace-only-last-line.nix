''
    foo
      bar
    ''
