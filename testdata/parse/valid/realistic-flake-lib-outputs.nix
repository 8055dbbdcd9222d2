{
  description = "Reusable Nix helper library";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }: {
    lib = import ./lib { inherit (nixpkgs) lib; };

    tests = let
      inherit (self.lib) joinWords splitWords;
      results = {
        testJoin = { expr = joinWords [ "a" "b" ]; expected = "a b"; };
        testSplit = { expr = splitWords "a b"; expected = [ "a" "b" ]; };
        testEmpty = { expr = joinWords [ ]; expected = ""; };
      };
    in nixpkgs.lib.runTests results;

    formatter.x86_64-linux = nixpkgs.legacyPackages.x86_64-linux.nixfmt-rfc-style;
  };
}
