# error: 4:43 missing ':' after an @-pattern
# after: packages
{
  outputs = inputs@{ self, nixpkgs, ... } {
    packages = { };
  };
}
