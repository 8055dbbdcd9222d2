# error: 7:7 list never closed before end of file
# after:
{ pkgs }:
with pkgs; [
  git
  vim
  htop
