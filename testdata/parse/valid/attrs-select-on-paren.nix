(f x).result.value
