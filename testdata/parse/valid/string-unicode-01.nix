"héllo wörld — ünïcödé ✓ 日本語 🚀"
