# error: 8:3 a second expression after the top-level attrset ('let' there is read as a legacy let missing its '{')
# after: c
{
  a = 1;
  b = 2;
}
let
  c = 3;
in c
