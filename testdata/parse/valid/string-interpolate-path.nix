"${./script.sh} --flag"
