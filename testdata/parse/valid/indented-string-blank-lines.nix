''

  first


  second

''
