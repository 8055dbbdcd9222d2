# error: 7:3 attribute 'name' defined twice in a rec set
# after: src
rec {
  pname = "thing";
  version = "1.0";
  name = "${pname}-${version}";
  name = "other";
  src = ./.;
}
