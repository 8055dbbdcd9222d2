# error: 9:3 services.openssh.settings.PermitRootLogin defined twice
# after: services.openssh.ports services.fail2ban.enable services.fail2ban.maxretry users.users.deploy isNormalUser openssh.authorizedKeys.keys
{ ... }:
{
  services.openssh.enable = true;
  services.openssh.settings.PasswordAuthentication = false;
  services.openssh.settings.PermitRootLogin = "no";
  services.openssh.openFirewall = true;
  services.openssh.settings.PermitRootLogin = "prohibit-password";
  services.openssh.ports = [ 22 ];

  services.fail2ban.enable = true;
  services.fail2ban.maxretry = 5;

  users.users.deploy = {
    isNormalUser = true;
    openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample deploy@ci" ];
  };
}
