''
	line with tab indent
		double tab
	''
