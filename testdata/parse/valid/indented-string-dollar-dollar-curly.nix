''
  literal $${notInterpolated}
''
