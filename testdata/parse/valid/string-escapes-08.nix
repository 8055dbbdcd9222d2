"ends with backslash-backslash \\"
