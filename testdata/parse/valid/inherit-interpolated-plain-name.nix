# inherit takes a name written as an interpolation of a plain string.
let
  source = { port = 8080; };
  port = 22;
in
{
  inherit (source) ${"port"};
  inner = let inherit ${"port"}; in port;
}
