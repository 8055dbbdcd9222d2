{ pkgs, lib, inputs, ... }:

{
  nix.settings.experimental-features = "nix-command flakes";
  nix.linux-builder = {
    enable = true;
    ephemeral = true;
    maxJobs = 4;
    config = {
      virtualisation.darwin-builder = {
        diskSize = 40 * 1024;
        memorySize = 8 * 1024;
      };
      virtualisation.cores = 6;
    };
  };

  environment.systemPackages = [ pkgs.vim pkgs.git ];

  system.defaults = {
    dock.autohide = true;
    dock.orientation = "left";
    finder.AppleShowAllExtensions = true;
    NSGlobalDomain."com.apple.swipescrolldirection" = false;
  };

  homebrew = {
    enable = true;
    casks = [ "firefox" "utm" ];
    onActivation.cleanup = "zap";
  };

  system.configurationRevision = inputs.self.rev or inputs.self.dirtyRev or null;
  system.stateVersion = 5;
  nixpkgs.hostPlatform = "aarch64-darwin";
}
