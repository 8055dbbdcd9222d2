"first line
second line
  third line, indented"
