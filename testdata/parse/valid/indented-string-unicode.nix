''
  # ünïcödé comment-like text
  echo "✓ done 🚀"
''
