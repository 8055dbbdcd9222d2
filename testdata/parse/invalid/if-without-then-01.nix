# error: 4:29 'if' without 'then'
# after: port host
{
  mode = if debug "verbose" else "quiet";
  port = 8080;
  host = "0.0.0.0";
}
