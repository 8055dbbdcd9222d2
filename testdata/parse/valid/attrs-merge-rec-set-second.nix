# A rec set written after a path to the same name is merged into that path's set and
# loses its recursion: level is the outer binding.
let
  level = 3;
in
{
  cache.size = 64;
  cache = rec { level = 1; effective = level; };
}
