final: prev:
let
  inherit (prev) lib;
  structuredExtraConfig = with lib.kernel; {
    VIRTIO = yes;
    VIRTIO_PCI = yes;
    VIRTIO_BLK = yes;
    VIRTIO_NET = yes;
    VIRTIO_FS = module;
    FUSE_FS = module;
    DRM = no;
    SOUND = no;
    WIRELESS = lib.mkForce no;
  };
in
{
  linuxPackages_microvm = final.linuxPackagesFor (prev.linux_6_6.override {
    inherit structuredExtraConfig;
    ignoreConfigErrors = true;
    extraMeta.branch = "6.6";
  });
}
