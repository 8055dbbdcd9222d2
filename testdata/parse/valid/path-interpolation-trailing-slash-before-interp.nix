./modules/${name}
