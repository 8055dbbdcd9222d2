{ lib }:

let
  self = {
    /** Split a list into chunks of size n. */
    chunksOf = n: xs:
      if xs == [ ] then [ ]
      else [ (lib.take n xs) ] ++ self.chunksOf n (lib.drop n xs);

    /** Zip two lists into pairs. */
    zip = lib.zipListsWith (fst: snd: { inherit fst snd; });

    /** Sum a list of numbers. */
    sum = builtins.foldl' (a: b: a + b) 0;

    /** Average, or null for the empty list. */
    average = xs: if xs == [ ] then null else self.sum xs / builtins.length xs;

    /** Index elements by a key function. */
    indexBy = f: xs: builtins.listToAttrs (map (x: { name = f x; value = x; }) xs);

    /** Keep the first occurrence of every element. */
    dedup = xs: builtins.foldl' (acc: x: if builtins.elem x acc then acc else acc ++ [ x ]) [ ] xs;

    range' = from: to: if from > to then [ ] else [ from ] ++ self.range' (from + 1) to;
  };
in
self
