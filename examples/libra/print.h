/*
 * libra — plain-text tables and numbers on the terminal.
 */
#ifndef LIBRA_PRINT_H
#define LIBRA_PRINT_H

#include <stddef.h>

/* Columns on the terminal taken by a UTF-8 string (one per code point). */
size_t text_width(const char *s);
/* Print @p s left-aligned in a column @p width wide, then two spaces. */
void print_cell(const char *s, size_t width);
/* Widen *width to hold @p s. */
void update_width(size_t *width, const char *s);
/* A number as the writers print it; "-" when it is not finite. */
const char *num(char buf[32], double v);
/* @p s, or "-" for NULL. */
const char *or_dash(const char *s);

#endif
