[ rec { a = 1; } (let b = 2; in b) ]
