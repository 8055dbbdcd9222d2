if stdenv.isLinux
then [ "linux" ]
else if stdenv.isDarwin
then [ "darwin" ]
else [ ]
