# error: 7:1 a second expression (a negation) after a module function
# after:
{ ... }:
{
  services.openssh.enable = true;
}
!false
