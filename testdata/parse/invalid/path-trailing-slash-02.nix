# error: 6:27 absolute path with a trailing slash
# after: home shell
{
  users.users.alice = {
    createHome = true;
    root = /var/lib/alice/;
    home = "/home/alice";
    shell = "/bin/sh";
  };
}
