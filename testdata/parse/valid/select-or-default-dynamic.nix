attrs.${name} or null
