if attrs ? key then attrs.key else null
