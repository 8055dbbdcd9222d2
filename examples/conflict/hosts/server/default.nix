{ inputs, ... }:
{
  imports = [
    ./hardware-configuration.nix
    # Meant for the VMs, but it lands on the host itself.
    inputs.microvm.nixosModules.microvm
  ];

  boot.loader.systemd-boot.enable = true;
  networking.hostName = "server";

  microvm.vms.web.config = {
    microvm.hypervisor = "cloud-hypervisor";
    networking.hostName = "web";
  };

  system.stateVersion = "24.05";
}
