# error: 6:33 string not terminated inside a list at the end of a module
# after:
{ pkgs, ... }:
{
  environment.systemPackages = [ pkgs.hello ];
  environment.etc.issue.text = "Welcome to
  the machine;
}
