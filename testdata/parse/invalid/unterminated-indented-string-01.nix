# error: 6:1 indented string not terminated
# after:
{ writeShellScriptBin }:
{
  greet = writeShellScriptBin "greet" ''
    echo hello
    echo "world"
  ;
  other = 1;
}
