2 # comment at end
