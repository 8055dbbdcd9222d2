# error: 9:3 missing ']' closing the systemPackages list
# after: programs.git.enable programs.zsh.enable
{ pkgs, ... }:
{
  environment.systemPackages = with pkgs; [
    vim
    git
    htop
  ;
  programs.git.enable = true;
  programs.zsh.enable = true;
}
