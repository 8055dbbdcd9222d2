# error: 4:17 unparenthesized negative number as a list element
# after: ports rules
{
  offsets = [ 0 -1 1 ];
  ports = [ 80 443 ];
  rules = [ ];
}
