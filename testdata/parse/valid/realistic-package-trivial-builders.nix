{ pkgs ? import <nixpkgs> { } }:

let
  inherit (pkgs) runCommand writeText symlinkJoin lib;

  motd = writeText "motd" ''
    Welcome to ${lib.toUpper "the lab"}.
    Unauthorised access is prohibited.
  '';

  helpers = runCommand "lab-helpers" { nativeBuildInputs = [ pkgs.makeWrapper ]; } ''
    mkdir -p $out/bin
    cat > $out/bin/lab-status <<'EOF'
    #!/bin/sh
    uptime
    EOF
    chmod +x $out/bin/lab-status
    wrapProgram $out/bin/lab-status --prefix PATH : ${lib.makeBinPath [ pkgs.coreutils pkgs.procps ]}
  '';
in
symlinkJoin {
  name = "lab-env";
  paths = [ helpers pkgs.htop pkgs.tmux ];
  postBuild = ''
    mkdir -p $out/etc
    ln -s ${motd} $out/etc/motd
  '';
}
