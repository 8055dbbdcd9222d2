# error: 4:16 trailing comma at the end of a list
# after: b
{
  a = [ "x" "y", ];
  b = 1;
}
