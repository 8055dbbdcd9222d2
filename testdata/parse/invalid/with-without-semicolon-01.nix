# error: 6:23 'with' without ';'
# after: programs.vim.enable
{ pkgs, ... }:
{
  environment.systemPackages = with pkgs [ git vim ];
  programs.vim.enable = true;
}
