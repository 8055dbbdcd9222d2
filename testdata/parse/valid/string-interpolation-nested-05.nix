"outer ${ ''indented ${ "inner ${ ''deep ${z}'' }" }'' }"
