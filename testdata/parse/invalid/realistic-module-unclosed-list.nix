# error: 15:24 the systemPackages list is never closed with ']'
# after: programs.tmux.enable programs.tmux.clock24 services.fstrim.enable services.fwupd.enable zramSwap.enable system.stateVersion
{ config, pkgs, ... }:

{
  nix.settings.experimental-features = [ "nix-command" "flakes" ];
  nixpkgs.config.allowUnfree = true;

  environment.systemPackages = with pkgs; [
    git
    curl
    ripgrep
    (python3.withPackages (ps: [ ps.requests ]))

  programs.tmux.enable = true;
  programs.tmux.clock24 = true;

  services.fstrim.enable = true;
  services.fwupd.enable = true;
  zramSwap.enable = true;

  system.stateVersion = "24.05";
}
