{ url = git+ssh://git@example.com:22/repo.git; }
