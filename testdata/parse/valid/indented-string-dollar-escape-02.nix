''
  export PATH=''${PATH}:/opt/bin
  echo "''${1:-default}"
''
