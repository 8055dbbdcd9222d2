"# this is not a comment /* nor this */"
