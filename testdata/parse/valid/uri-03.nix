https://example.com/releases/v1.0/source.tar.gz
