"escaped dollar: \${notInterpolated}"
