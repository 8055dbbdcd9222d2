''line''\nbreak''
