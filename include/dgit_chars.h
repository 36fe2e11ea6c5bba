/*
 * Character classes as Perl's regular expressions have them (\s, \d,
 * \w: ASCII only, no locale), which dpkg's changelog and date patterns
 * use.  Header-only.
 */
#ifndef DGIT_CHARS_H
#define DGIT_CHARS_H

static inline int
dgit_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\f' || c == '\v';
}

static inline int
dgit_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline int
dgit_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int
dgit_is_word(char c)
{
	return dgit_is_alpha(c) || dgit_is_digit(c) || c == '_';
}

#endif
