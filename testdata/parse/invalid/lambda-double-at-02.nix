# error: 4:18 two names joined with '@' before the formals
# after: packages
{
  outputs = self@inputs@{ nixpkgs, ... }: {
    packages = { };
  };
}
