{ a, ... } @ args: args
