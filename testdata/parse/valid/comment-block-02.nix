/*
 * multi-line block comment
 * with stars
 */
{ a = 1; }
