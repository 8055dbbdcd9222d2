/* /* block comments do not nest */ 1
