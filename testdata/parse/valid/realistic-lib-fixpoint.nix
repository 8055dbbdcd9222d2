# A tiny reimplementation of fixed points and extensions, for the corpus.
let
  fix = f: let x = f x; in x;

  extends = overlay: base: self:
    let super = base self; in super // overlay self super;

  makeExtensible = rattrs:
    let self = rattrs self // {
      extend = f: makeExtensible (extends f rattrs);
    };
    in self;

  base = self: {
    greeting = "hello";
    message = "${self.greeting}, ${self.name}";
    name = "world";
  };

  extended = (makeExtensible base).extend (self: super: {
    name = "nix";
    loud = super.message + "!";
  });
in
{
  inherit fix extends makeExtensible;
  result = extended.loud;
  check = assert extended.message == "hello, nix"; true;
}
