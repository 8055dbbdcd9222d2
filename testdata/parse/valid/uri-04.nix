[ mirror://gnu/hello/hello-2.12.tar.gz ftp://ftp.example.org/pub/a.tgz ]
