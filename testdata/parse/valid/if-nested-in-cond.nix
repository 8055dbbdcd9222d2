if (if a then b else c) then d else e
