# error: 6:18 indented string closed with an escaped quote ''' so it never ends
# after:
{
  a = 1;
  text = ''
    some text '''
  b = 2;
}
