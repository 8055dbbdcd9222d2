{ inherit or; }
