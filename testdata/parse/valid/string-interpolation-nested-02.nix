"level0 ${ "level1 ${ "level2 ${ "level3 ${x}" }" }" } end"
