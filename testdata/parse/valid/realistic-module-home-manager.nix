{ config, pkgs, lib, ... }:

{
  home.username = "alice";
  home.homeDirectory = "/home/alice";
  home.stateVersion = "24.05";

  home.packages = with pkgs; [
    ripgrep
    fd
    bat
    jq
    (writeShellScriptBin "nixos-diff" ''
      nix store diff-closures /run/booted-system /run/current-system
    '')
  ];

  programs.git = {
    enable = true;
    userName = "Alice Example";
    userEmail = "alice@example.org";
    aliases = {
      co = "checkout";
      st = "status -sb";
      lg = "log --graph --oneline --decorate";
    };
    extraConfig = {
      init.defaultBranch = "main";
      pull.rebase = true;
      "url \"git@github.com:\"".insteadOf = "https://github.com/";
    };
  };

  programs.zsh = {
    enable = true;
    shellAliases = {
      ll = "ls -l";
      ".." = "cd ..";
    };
    initExtra = ''
      bindkey -e
      PROMPT='%F{blue}%~%f %# '
    '';
  };

  xdg.configFile."nvim/init.lua".text = ''
    vim.opt.number = true
    vim.opt.expandtab = true
  '';

  home.sessionVariables = {
    EDITOR = "nvim";
    PAGER = "less -R";
  };
}
