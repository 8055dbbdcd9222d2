# error: 3:6 ';' separating formals instead of ','
# after: name
{ lib; stdenv }:
{
  name = "x";
}
