# error: 8:5 attribute 'port' defined twice
# after: host
{
  services.myapp = {
    enable = true;
    port = 8080;
    user = "myapp";
    port = 9090;
    host = "localhost";
  };
}
