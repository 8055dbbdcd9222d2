# error: 5:25 'or' without a default after a select
# after: port
{ cfg }:
{
  enable = cfg.enable or;
  port = cfg.port or 80;
}
