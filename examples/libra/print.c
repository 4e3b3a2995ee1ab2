/*
 * libra — plain-text tables and numbers on the terminal.
 */
#include <stdio.h>
#include <string.h>

#include <libra_measures/libra_measures.h>

#include "print.h"

/* Columns on the terminal taken by a UTF-8 string (one per code point). */
size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* Print @p s left-aligned in a column @p width wide, then two spaces. */
void print_cell(const char *s, size_t width)
{
	size_t w = text_width(s);

	fputs(s, stdout);
	for (; w < width + 2; w++)
		putchar(' ');
}

void update_width(size_t *width, const char *s)
{
	size_t w = text_width(s);

	if (w > *width)
		*width = w;
}

/* A number as the writers print it; "-" when it is not finite. */
const char *num(char buf[32], double v)
{
	if (lm_format_number(buf, 32, v) == 0)
		strcpy(buf, "-");
	return buf;
}

const char *or_dash(const char *s)
{
	return s ? s : "-";
}
