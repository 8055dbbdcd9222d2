inputs@{ self, nixpkgs, ... }: inputs
