''
  foo
        ''
