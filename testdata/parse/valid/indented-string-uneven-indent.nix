''
      deep
    less
        more
''
