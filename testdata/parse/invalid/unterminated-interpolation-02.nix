# error: 7:5 '${' inside an indented string is never closed
# after:
{ pkgs }:
{
  script = ''
    echo ${pkgs.hello/bin/hello
  '';
  enable = true;
}
