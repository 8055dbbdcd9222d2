# error: 4:32 'in' followed by nothing before the closing paren
# after: result
{
  value = (let a = 1; b = 2; in);
  result = 3;
}
