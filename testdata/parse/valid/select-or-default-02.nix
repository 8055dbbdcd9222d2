config.services.foo.enable or false
