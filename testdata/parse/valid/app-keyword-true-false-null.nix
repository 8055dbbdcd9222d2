f true false null
