/*
 * libra_measures — the column-map file (lm_table_read_map).
 */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <stdio.h>

#include "csv-priv.h"

/* Split one line of a mapping file into at most 3 fields (quotes allowed). */
static size_t split_line(char *line, char delim, char **fields, size_t max)
{
	size_t n = 0;
	char *p = line;
	while (n < max) {
		char *out = p, *start = p;
		if (*p == '"') {
			p++;
			for (; *p; p++) {
				if (*p == '"' && p[1] == '"')
					*out++ = *p++;
				else if (*p == '"')
					break;
				else
					*out++ = *p;
			}
			if (*p == '"')
				p++;
			while (*p && *p != delim)
				p++;
		} else {
			while (*p && *p != delim)
				*out++ = *p++;
		}
		char *end = *p ? p + 1 : p;
		int more = *p == delim;
		*out = '\0';
		const char *s = start;
		size_t len = strlen(start);
		lm__table_trim(&s, &len);
		memmove(start, s, len);
		start[len] = '\0';
		fields[n++] = start;
		if (!more)
			break;
		p = end;
	}
	return n;
}

int lm_table_read_map(lm_table *table, const char *path, lm_error *err)
{
	if (!table || !path || table->state != TABLE_CLOSED)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_table_read_map");
	FILE *f = fopen(path, "rb");
	if (!f)
		return lm__error(err, LM_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	char line[4096];
	unsigned long n = 0;
	int status = LM_OK, header = 1;
	char delim = ',';
	while (fgets(line, sizeof(line), f)) {
		n++;
		size_t len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			status = lm__error(err, LM_EDATA, path, n, 0, "line longer than %zu bytes", sizeof(line) - 2);
			int c;
			while ((c = getc(f)) != EOF && c != '\n')
				;
			continue;
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		char *p = line;
		if (n == 1 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
			p += 3;
		if (!*p)
			continue;
		if (header) {
			/* The delimiter is the header's: the first of , ; tab outside quotes. */
			int quoted = 0;
			delim = '\t';
			for (const char *q = p; *q; q++) {
				if (*q == '"')
					quoted = !quoted;
				else if (!quoted && (*q == ',' || *q == ';' || *q == '\t')) {
					delim = *q;
					break;
				}
			}
		}
		char *fields[3];
		size_t nf = split_line(p, delim, fields, 3);
		if (header) {
			header = 0;
			if (nf != 2 || strcmp(fields[0], "item") != 0 || strcmp(fields[1], "column") != 0) {
				status = lm__error(err, LM_EDATA, path, n, 0,
						   "a mapping file starts with the header \"item,column\"");
				break;
			}
			continue;
		}
		if (nf != 2 || !*fields[0] || !*fields[1]) {
			status = lm__error(err, LM_EDATA, path, n, 0, "expected ITEM,COLUMN");
			continue;
		}
		lm_error *one = NULL;
		int rc = lm_error_new(&one);
		if (rc == LM_OK)
			rc = lm_table_map_column(table, fields[0], fields[1], one);
		if (rc == LM_ENOMEM) {
			lm_error_free(one);
			status = LM_ENOMEM;
			break;
		}
		if (rc != LM_OK) {
			/* The same problem, with the place it was found. */
			status = lm__error(err, rc == LM_ENOTFOUND ? LM_EDATA : rc, path, n, 0, "%s",
					   lm_error_message(one, 0) ? lm_error_message(one, 0) : lm_strerror(rc));
		}
		lm_error_free(one);
	}
	if (ferror(f))
		status = lm__error(err, LM_EIO, path, n, 0, "cannot read: %s", strerror(errno));
	else if (header && status == LM_OK)
		status = lm__error(err, LM_EDATA, path, 0, 0, "empty mapping file");
	fclose(f);
	return status;
}
