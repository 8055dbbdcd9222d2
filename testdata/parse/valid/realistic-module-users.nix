{ config, lib, pkgs, ... }:
let
  admins = [ "alice" "bob" ];
  developers = [ "carol" "dave" "erin" ];

  mkUser = groups: name: {
    inherit name;
    value = {
      isNormalUser = true;
      extraGroups = groups;
      shell = pkgs.zsh;
      openssh.authorizedKeys.keyFiles = [ ./keys/${name}.pub ];
    };
  };
in
{
  programs.zsh.enable = true;

  users.mutableUsers = false;
  users.users = lib.listToAttrs (
    map (mkUser [ "wheel" "networkmanager" "kvm" ]) admins
    ++ map (mkUser [ "docker" ]) developers
  ) // {
    root.hashedPassword = "!";
  };

  security.sudo = {
    enable = true;
    wheelNeedsPassword = false;
    extraRules = [ {
      groups = [ "docker" ];
      commands = [ { command = "/run/current-system/sw/bin/systemctl restart app"; options = [ "NOPASSWD" ]; } ];
    } ];
  };
}
