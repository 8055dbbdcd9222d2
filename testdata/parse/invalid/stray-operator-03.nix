# error: 4:16 binary operator with no right operand
# after: next
{
  sum = 1 + 2 +;
  next = 3;
}
