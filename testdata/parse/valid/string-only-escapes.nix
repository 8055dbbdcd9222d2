"\n\n\t\r\\"
