/*
 * Reading the reference files that committed R scripts write (tests/conformance/,
 * tests/reference/): whole text, lines, comma-separated fields without quoting,
 * and numbers as R printed them, read under the "C" locale whatever the
 * process locale is (the suite also runs under a decimal-comma locale).
 * Shared by the tests that compare with R; include after <cmocka.h>.
 */
#ifndef LM_TESTS_REFERENCE_H
#define LM_TESTS_REFERENCE_H

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file, NUL-terminated; NULL if it cannot be read. The caller frees. */
static inline char *ref_read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	while (buf != NULL) {
		len += fread(buf + len, 1, cap - len - 1, f);
		if (len < cap - 1) {
			buf[len] = '\0';
			break;
		}
		char *grown = realloc(buf, cap *= 2);
		if (grown == NULL)
			free(buf);
		buf = grown;
	}
	fclose(f);
	return buf;
}

/* Next line of *cursor, NUL-terminated in place without its CR/LF; NULL at the end. */
static inline char *ref_next_line(char **cursor)
{
	char *line = *cursor;
	if (line == NULL || *line == '\0')
		return NULL;
	char *nl = strchr(line, '\n');
	if (nl != NULL) {
		*nl = '\0';
		*cursor = nl + 1;
	} else {
		*cursor = line + strlen(line);
	}
	size_t len = strlen(line);
	if (len > 0 && line[len - 1] == '\r')
		line[len - 1] = '\0';
	return line;
}

/* Split a line on commas in place (the reference files have no quoting). */
static inline size_t ref_split_fields(char *line, char **fields, size_t max)
{
	size_t n = 0;
	for (;;) {
		assert_true(n < max);
		fields[n++] = line;
		char *comma = strchr(line, ',');
		if (comma == NULL)
			return n;
		*comma = '\0';
		line = comma + 1;
	}
}

/* What ref_number() may read as NaN (missing); anything else not a number fails. */
enum { REF_NA = 1, REF_BLANK = 2 };

/* A number as R wrote it ("%.17g" or a plain integer); @p where names it in a failure. */
static inline double ref_number(const char *s, const char *where, int missing)
{
	if (((missing & REF_BLANK) && *s == '\0') || ((missing & REF_NA) && strcmp(s, "NA") == 0))
		return NAN;
	locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	assert_true(c_locale != (locale_t)0);
	locale_t old = uselocale(c_locale);
	char *end;
	double v = strtod(s, &end);
	uselocale(old);
	freelocale(c_locale);
	if (*end != '\0' || end == s || !isfinite(v))
		fail_msg("%s: not a number: \"%s\"", where, s);
	return v;
}

#endif
