''col1''\tcol2''\rcr''
