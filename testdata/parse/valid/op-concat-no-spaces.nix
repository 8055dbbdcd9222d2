a++b
