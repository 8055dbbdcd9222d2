"$${notInterpolated}"
