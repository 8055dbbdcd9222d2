{
	a = 1;
	b = "tab\tescape and a real tab:	.";
	c = [	1	2	];
}
