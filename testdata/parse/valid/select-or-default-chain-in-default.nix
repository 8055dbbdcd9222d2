x.y or z.w or v
