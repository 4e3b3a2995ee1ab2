/*
 * libra_measures — the column-map file (lm_table_read_map): rows of
 * "ITEM,COLUMN" under the header "item,column", read by the data's CSV lexer
 * (csv.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv-priv.h"

/*
 * The delimiter of a mapping file: the first of ',', ';' and tab outside
 * quotes on its first line that is not empty, else tab. (A mapping file has
 * two columns, so the first one found is the one; the data's rule, which
 * asks for a setting when the header has several, has no setting to ask for
 * here.)
 */
static int map_delimiter(lm_table *m, lm_error *err)
{
	for (;;) {
		size_t i = m->pos;
		while (i < m->end && (m->buf[i] == '\n' || m->buf[i] == '\r'))
			i++;
		const char *nl = i < m->end ? memchr(m->buf + i, '\n', m->end - i) : NULL;
		if (nl || m->eof || m->end - m->pos == LM_TABLE_READ_SIZE) {
			const char *stop = nl ? nl : m->buf + m->end;
			int quoted = 0;
			m->pdelim = '\t';
			for (const char *q = m->buf + i; q < stop; q++) {
				if (*q == '"') {
					quoted = !quoted;
				} else if (!quoted && (*q == ',' || *q == ';' || *q == '\t')) {
					m->pdelim = *q;
					break;
				}
			}
			m->special[(unsigned char)m->pdelim] = 1;
			return LM_OK;
		}
		long n = lm__csv_refill(m, err);
		if (n < 0)
			return (int)n;
	}
}

/* A reader of the mapping file at @p path: a table that only lexes records,
 * its delimiter fixed. The caller frees it with lm_table_free(). */
static int open_map(lm_table **out, const lm_instrument *inst, const char *path, lm_error *err)
{
	int fd;
	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return lm__error(err, LM_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	lm_table *m = NULL;
	if (lm_table_new(&m, inst) != LM_OK) {
		close(fd);
		return LM_ENOMEM;
	}
	*out = m;
	m->fd = fd;
	m->own_fd = 1;
	m->line = 1;
	m->fields_keep = SIZE_MAX;
	m->special['"'] = m->special['\r'] = m->special['\n'] = 1;
	if (!(m->readbuf = malloc(LM_TABLE_READ_SIZE)) || !(m->name = lm__strdup(path)))
		return LM_ENOMEM;
	m->buf = m->readbuf;
	/* A UTF-8 byte order mark at the start of the file is not data. */
	while (m->end - m->pos < 3 && !m->eof) {
		long n = lm__csv_refill(m, err);
		if (n < 0)
			return (int)n;
	}
	if (m->end - m->pos >= 3 && memcmp(m->buf + m->pos, "\xEF\xBB\xBF", 3) == 0)
		m->pos += 3;
	return map_delimiter(m, err);
}

/* Field @p k of the current record, trimmed, as a new string (NULL: no memory). */
static char *map_field(const lm_table *m, size_t k)
{
	const char *s = m->base + m->ends[(ptrdiff_t)k - 1] + 1;
	size_t len = (size_t)(m->base + m->ends[k] - s);
	lm__table_trim(&s, &len);
	return lm__strndup(s, len);
}

/* One mapping row: the item is mapped to the column, or the problem said
 * with the place it was found. */
static int map_row(lm_table *table, const lm_table *m, const char *item, const char *column, lm_error *err)
{
	lm_error *one = NULL;
	int rc = lm_error_new(&one);
	if (rc == LM_OK)
		rc = lm_table_map_column(table, item, column, one);
	if (rc != LM_OK && rc != LM_ENOMEM)
		rc = lm__error(err, rc == LM_ENOTFOUND ? LM_EDATA : rc, m->name, m->row_line, 0, "%s",
			       lm_error_message(one, 0) ? lm_error_message(one, 0) : lm_strerror(rc));
	lm_error_free(one);
	return rc;
}

int lm_table_read_map(lm_table *table, const char *path, lm_error *err)
{
	if (!table || !path || table->state != TABLE_CLOSED)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_table_read_map");
	lm_table *m = NULL;
	int status = open_map(&m, table->inst, path, err), header = 1;
	/* Every row is read, each problem reported with its line; only a wrong
	 * header, a reading error or a failed allocation stops. */
	for (int stop = status != LM_OK; !stop;) {
		int r = lm__csv_read_record(m, err);
		if (r == 0)
			break;
		if (r == LM_EDATA) {
			status = lm__error(err, LM_EDATA, path, m->row_line, 0,
					   "quoted field not closed before the end of the file");
			break;
		}
		if (r < 0) {
			status = r;
			break;
		}
		if (m->rec_blank)
			continue;
		size_t nf = m->nfields;
		char *item = map_field(m, 0), *column = nf > 1 ? map_field(m, 1) : lm__strdup("");
		if (!item || !column) {
			free(item);
			free(column);
			status = LM_ENOMEM;
			break;
		}
		if (header) {
			header = 0;
			if (nf != 2 || strcmp(item, "item") != 0 || strcmp(column, "column") != 0)
				status = lm__error(err, LM_EDATA, path, m->row_line, 0,
						   "a mapping file starts with the header \"item,column\"");
			free(item);
			free(column);
			if (status != LM_OK)
				break;
			continue;
		}
		if (nf != 2 || !*item || !*column) {
			status = lm__error(err, LM_EDATA, path, m->row_line, 0, "expected ITEM,COLUMN");
		} else {
			int rc = map_row(table, m, item, column, err);
			if (rc != LM_OK)
				status = rc;
			stop = rc == LM_ENOMEM;
		}
		free(item);
		free(column);
	}
	if (header && status == LM_OK)
		status = lm__error(err, LM_EDATA, path, 0, 0, "empty mapping file");
	lm_table_free(m);
	return status;
}
