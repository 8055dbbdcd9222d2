# An options-only module in the style of a hypervisor wrapper, written for the corpus.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption types;
  self-lib = import ./lib.nix { inherit lib; };

  volumeType = types.submodule ({ config, ... }: {
    options = {
      image = mkOption {
        type = types.str;
        description = "Path of the disk image on the host.";
      };
      mountPoint = mkOption {
        type = types.nullOr types.path;
        description = "Where the guest mounts it, or null.";
      };
      size = mkOption {
        type = types.int;
        default = 256;
        description = "Size in MiB when the image is created.";
      };
      autoCreate = mkOption {
        type = types.bool;
        default = true;
      };
      fsType = mkOption {
        type = types.str;
        default = "ext4";
      };
      label = mkOption {
        type = types.nullOr types.str;
        default = null;
      };
    };
  });

  interfaceType = types.submodule {
    options = {
      type = mkOption {
        type = types.enum [ "user" "tap" "macvtap" "bridge" ];
      };
      id = mkOption {
        type = types.str;
        description = "Interface name on the host side.";
      };
      mac = mkOption {
        type = types.strMatching "([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}";
      };
      bridge = mkOption {
        type = types.nullOr types.str;
        default = null;
      };
    };
  };
in
{
  options.microvm = {
    guest.enable = mkOption {
      type = types.bool;
      default = true;
    };

    hypervisor = mkOption {
      type = types.enum [ "qemu" "cloud-hypervisor" "firecracker" "crosvm" "kvmtool" "stratovirt" ];
      default = "qemu";
      description = "Which hypervisor runs the VM.";
    };

    vcpu = mkOption {
      type = types.ints.positive;
      default = 1;
    };

    mem = mkOption {
      type = types.ints.positive;
      default = 512;
      description = "Memory in MiB.";
    };

    balloonMem = mkOption {
      type = types.ints.unsigned;
      default = 0;
    };

    volumes = mkOption {
      type = types.listOf volumeType;
      default = [ ];
    };

    interfaces = mkOption {
      type = types.listOf interfaceType;
      default = [ ];
    };

    kernelParams = mkOption {
      type = types.listOf types.str;
      default = [ ];
    };

    socket = mkOption {
      type = types.nullOr types.str;
      default = "${config.networking.hostName}.sock";
      defaultText = lib.literalExpression ''"''${config.networking.hostName}.sock"'';
    };

    declaredRunner = mkOption {
      type = types.package;
      readOnly = true;
      description = "The runner package for the configured hypervisor.";
    };
  };

  config = lib.mkIf config.microvm.guest.enable {
    microvm.declaredRunner = self-lib.makeRunner {
      inherit pkgs;
      microvmConfig = config.microvm // { inherit (config.networking) hostName; };
    };
    boot.kernelParams = config.microvm.kernelParams;
  };
}
