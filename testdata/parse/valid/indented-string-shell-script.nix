''
  set -euo pipefail
  for f in "$@"; do
    if [ -f "$f" ]; then
      echo "file: ''${f}"
    fi
  done
  case "$1" in
    start) echo '${startMsg}' ;;
    *) echo 'unknown' ;;
  esac
''
