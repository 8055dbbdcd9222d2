{ lib, buildGoModule, fetchFromGitHub, installShellFiles }:

buildGoModule rec {
  pname = "gitstat";
  version = "0.9.3";

  src = fetchFromGitHub {
    owner = "example";
    repo = pname;
    rev = "v${version}";
    hash = "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=";
  };

  vendorHash = "sha256-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC=";

  subPackages = [ "cmd/gitstat" ];

  nativeBuildInputs = [ installShellFiles ];

  ldflags = [
    "-s"
    "-w"
    "-X github.com/example/gitstat/internal/version.Version=${version}"
  ];

  checkFlags = let
    skippedTests = [ "TestNetworkClone" "TestSSHRemote" ];
  in [ "-skip=^${builtins.concatStringsSep "$|^" skippedTests}$" ];

  postInstall = ''
    installShellCompletion --cmd gitstat \
      --bash <($out/bin/gitstat completion bash) \
      --zsh <($out/bin/gitstat completion zsh)
  '';

  meta = {
    description = "Summarise activity in git repositories";
    license = lib.licenses.asl20;
    mainProgram = "gitstat";
  };
}
