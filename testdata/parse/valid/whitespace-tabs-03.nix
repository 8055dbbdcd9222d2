with pkgs;
	[
		hello
		# tab-indented comment
		git
	]
