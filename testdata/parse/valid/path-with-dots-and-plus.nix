./some.file+with-chars_v1.0.tar.gz
