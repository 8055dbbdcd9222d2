# A later path adds to a rec set written before it, and sees its names.
{
  server = rec { port = 8080; };
  server.url = "http://localhost:${toString port}";
}
