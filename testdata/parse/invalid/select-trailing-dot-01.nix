# error: 5:28 select with a trailing dot
# after: port
{ config, ... }:
{
  enable = config.services.;
  port = 80;
}
