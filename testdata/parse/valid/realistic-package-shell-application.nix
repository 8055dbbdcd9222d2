{ writeShellApplication, coreutils, curl, jq, gnused }:

writeShellApplication {
  name = "release-notes";
  runtimeInputs = [ coreutils curl jq gnused ];
  text = ''
    repo="''${1:?usage: release-notes OWNER/REPO [TAG]}"
    tag="''${2:-latest}"
    if [ "$tag" = latest ]; then
      url="https://api.github.com/repos/$repo/releases/latest"
    else
      url="https://api.github.com/repos/$repo/releases/tags/$tag"
    fi
    curl -fsSL "$url" | jq -r '.body' | sed -e 's/\r$//'
  '';
}
