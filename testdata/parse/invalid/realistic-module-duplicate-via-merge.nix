# error: 9:3 'boot.loader' set defined in full and then 'boot.loader.timeout' again
# after: boot.kernelParams networking.hostName
{ ... }:
{
  boot.loader = {
    timeout = 3;
    systemd-boot.enable = true;
  };
  boot.loader.timeout = 5;
  boot.kernelParams = [ "quiet" ];
  networking.hostName = "merge";
}
