# error: 5:17 interpolated string in inherit-from
# after: version
{ src, attr }:
{
  inherit (src) "${attr}";
  version = "1";
}
