let __findFile = nixPath: name: "found-${name}"; in <custom/thing>
