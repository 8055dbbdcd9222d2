# 00.5 lexes as the integer 00 followed by the float .5 (an application)
00.5
