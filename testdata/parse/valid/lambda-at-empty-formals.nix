all@{ }: all
