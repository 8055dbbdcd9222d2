# ünïcödé in a comment: 日本語 — ✓ 🚀
/* Ελληνικά */
1
