/**
  Build a greeting.
*/
{ name ? "world", punctuation ? "!" }:
"Hello, ${name}${punctuation}"
