import ./make-test-python.nix ({ pkgs, lib, ... }: {
  name = "pastebin";
  meta.maintainers = [ ];

  nodes = {
    server = { config, ... }: {
      imports = [ ../modules/pastebin.nix ];
      services.pastebin = {
        enable = true;
        openFirewall = true;
        settings.listen = "0.0.0.0:8088";
      };
    };
    client = { pkgs, ... }: {
      environment.systemPackages = [ pkgs.curl ];
    };
  };

  testScript = { nodes, ... }: ''
    start_all()
    server.wait_for_unit("pastebin.service")
    server.wait_for_open_port(8088)
    client.succeed("curl -fsS -d 'hello' http://server:8088/ | tee /tmp/id")
    client.succeed("curl -fsS http://server:8088/$(cat /tmp/id) | grep hello")
    assert "${toString nodes.server.services.pastebin.settings.max_size}" == "1048576"
  '';
})
