x.or
