f /* arg */ x /* arg */ y
