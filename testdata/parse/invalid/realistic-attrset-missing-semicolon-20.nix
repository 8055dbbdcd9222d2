# error: 14:7 missing ';' in an attrset of twenty bindings
# after: k11 k12 k13 k14 fourteen k15 k16 k17 k18 k19 k20
{
  k01 = 1;
  k02 = "two";
  k03 = [ 3 ];
  k04 = { four = 4; };
  k05 = 5.0;
  k06 = ./six;
  k07 = true;
  k08 = null;
  k09 = x: x;
  k10 = "ten"
  k11 = 11;
  k12 = "twelve";
  k13 = [ 13 ];
  k14 = { fourteen = 14; };
  k15 = 15.0;
  k16 = ./sixteen;
  k17 = false;
  k18 = null;
  k19 = y: y;
  k20 = 20;
}
