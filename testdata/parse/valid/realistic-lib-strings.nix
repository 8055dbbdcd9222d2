{ lib }:

rec {
  /**
    Join a list of words with single spaces.
  */
  joinWords = words: lib.concatStringsSep " " words;

  /** Split on runs of whitespace. */
  splitWords = s: builtins.filter (x: builtins.isString x && x != "") (builtins.split "[ \t\n]+" s);

  /** Pad a string on the left to a given width. */
  padLeft = width: char: s:
    let len = builtins.stringLength s; in
    if len >= width then s else padLeft width char "${char}${s}";

  /** Surround a string with a prefix and suffix. */
  surround = pre: post: s: pre + s + post;

  quote = surround "\"" "\"";
  bracket = surround "[" "]";

  /** Indent every line of a multi-line string. */
  indent = n: s:
    let prefix = lib.concatStrings (lib.genList (_: " ") n);
    in lib.concatMapStringsSep "\n" (line: if line == "" then line else prefix + line)
         (lib.splitString "\n" s);

  isBlank = s: builtins.match "[ \t\n]*" s != null;
}
