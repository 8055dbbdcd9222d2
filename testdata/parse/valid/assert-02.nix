assert lib.isString name;
assert builtins.length args > 0 -> enable;
{ inherit name args; }
