/*
 * libra_measures — reading data tables: the table's settings and opening a
 * file, descriptor or buffer (SPSS and Stata through readstat.c, Excel
 * workbooks through xlsx.c). The CSV records come from csv.c, the header's
 * columns from table-header.c, the rows' validation and scoring from
 * table-row.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv-priv.h"
#include "readstat-priv.h"
#include "xlsx-priv.h"

int lm_table_new(lm_table **out, const lm_instrument *inst)
{
	if (!out)
		return LM_EINVAL;
	*out = NULL;
	if (!inst)
		return LM_EINVAL;
	lm_table *t = calloc(1, sizeof(*t));
	if (!t)
		return LM_ENOMEM;
	lm__instrument_ref(inst);
	t->inst = inst;
	t->delim = 0; /* detected from the header line */
	t->fd = -1;
	t->id_col = LM_NO_INDEX;
	*out = t;
	return LM_OK;
}

/* Forget the current source and header; keep settings and buffers. */

static void table_close(lm_table *t)
{
	if (t->own_fd && t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->own_fd = 0;
	t->mem_mode = 0;
	t->eof = 0;
	t->buf = NULL;
	t->pos = t->end = 0;
	t->base = NULL;
	if (t->ends_store)
		t->ends = t->ends_store + 1; /* it may point into a replayed row */
	t->nfields = 0;
	t->rec_blank = 0;
	t->line = 1;
	t->row_line = 0;
	t->row = t->rows_read = t->rows_rejected = t->rows_blank = t->rows_fused = 0;
	memset(t->rejected_for, 0, sizeof(t->rejected_for));
	t->n_missing_hinted = 0;
	t->case_matches = 0;
	t->pending_blank = t->pending_line = 0;
	lm__table_free_map(t->map, t->nmap);
	t->map = NULL;
	t->nmap = 0;
	t->map_distinct = 0;
	for (size_t c = 0; t->header && c < t->ncols; c++)
		free(t->header[c]);
	free(t->header);
	t->header = NULL;
	t->ncols = 0;
	t->n_stash = t->next_stash = 0;
	t->deferred = 0;
	t->qualtrics = 0;
	t->problem_len = 0;
	t->id_col = LM_NO_INDEX;
	free(t->id_name);
	t->id_name = NULL;
	t->id_len = 0;
	t->has_id = 0;
	free(t->name);
	t->name = NULL;
	free(t->stats_text);
	t->stats_text = NULL;
	t->stats = 0;
#ifdef LM_HAVE_XLSX
	lm__xlsx_close(t->xlsx);
#endif
	t->xlsx = NULL;
	free(t->xlsx_bytes);
	t->xlsx_bytes = NULL;
	t->state = TABLE_CLOSED;
}

void lm_table_free(lm_table *table)
{
	if (table) {
		for (size_t e = 0; e < table->n_extra; e++)
			free(table->extra[e].name);
		free(table->extra);
		free(table->prefix);
		for (size_t i = 0; table->column_for && i < table->inst->n_items; i++)
			free(table->column_for[i]);
		free(table->column_for);
		for (size_t k = 0; k < table->n_missing_tokens; k++)
			free(table->missing_tokens[k]);
		free(table->missing_tokens);
		for (int k = 0; k < 2; k++) {
			free(table->stash[k].bytes);
			free(table->stash[k].ends_store);
		}
		free(table->problem);
	}
	if (!table)
		return;
	table_close(table);
	free(table->readbuf);
	free(table->rec);
	free(table->ends_store);
	free(table->id);
	free(table->id_request);
	free(table->sheet_request);
	lm_instrument_free(lm__instrument_mutable(table->inst));
	free(table);
}

int lm_table_set_id_column(lm_table *table, const char *name)
{
	/* After the open the header is matched: a new id column would not be looked for. */
	if (!table || table->state != TABLE_CLOSED)
		return LM_EINVAL;
	char *copy = NULL;
	if (name) {
		copy = lm__strdup(name);
		if (!copy)
			return LM_ENOMEM;
	}
	free(table->id_request);
	table->id_request = copy;
	if (copy)
		table->no_id = 0;
	return LM_OK;
}

int lm_table_set_no_id(lm_table *table, int none)
{
	if (!table || (none != 0 && none != 1) || table->state != TABLE_CLOSED)
		return LM_EINVAL;
	table->no_id = none;
	if (none) {
		free(table->id_request);
		table->id_request = NULL;
	}
	return LM_OK;
}

int lm_table_require_column(lm_table *table, const char *name, size_t *handle)
{
	if (!table || !name || !*name || !handle || table->state != TABLE_CLOSED)
		return LM_EINVAL;
	struct extra *e = realloc(table->extra, (table->n_extra + 1) * sizeof(*e));
	if (!e)
		return LM_ENOMEM;
	table->extra = e;
	if (!(e[table->n_extra].name = lm__strdup(name)))
		return LM_ENOMEM;
	e[table->n_extra].col = LM_NO_INDEX;
	*handle = table->n_extra++;
	return LM_OK;
}

int lm_table_set_prefix(lm_table *table, const char *prefix)
{
	if (!table || table->state != TABLE_CLOSED)
		return LM_EINVAL;
	char *p = NULL;
	if (prefix && *prefix && !(p = lm__strdup(prefix)))
		return LM_ENOMEM;
	free(table->prefix);
	table->prefix = p;
	return LM_OK;
}

int lm_table_map_column(lm_table *table, const char *item, const char *column, lm_error *err)
{
	if (!table || !item || !column || !*column || table->state != TABLE_CLOSED)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_table_map_column");
	size_t i;
	if (lm_instrument_find_item(table->inst, item, &i) != LM_OK)
		return lm__error(err, LM_ENOTFOUND, NULL, 0, 0, "mapping names item '%s', which %s does not have", item,
				 table->inst->id);
	if (!table->column_for &&
	    !(table->column_for = calloc(table->inst->n_items ? table->inst->n_items : 1, sizeof(char *))))
		return LM_ENOMEM;
	if (table->column_for[i])
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "item %s is mapped twice (to \"%s\" and \"%s\")", item,
				 table->column_for[i], column);
	if (!(table->column_for[i] = lm__strdup(column)))
		return LM_ENOMEM;
	return LM_OK;
}

int lm_table_add_missing(lm_table *table, const char *token)
{
	if (!table || !token || table->state != TABLE_CLOSED)
		return LM_EINVAL;
	const char *s = token;
	size_t len = strlen(token);
	lm__table_trim(&s, &len);
	if (!len)
		return LM_OK; /* blank is always missing */
	char **v = realloc(table->missing_tokens, (table->n_missing_tokens + 1) * sizeof(*v));
	if (!v)
		return LM_ENOMEM;
	table->missing_tokens = v;
	if (!(v[table->n_missing_tokens] = lm__strndup(s, len)))
		return LM_ENOMEM;
	table->n_missing_tokens++;
	return LM_OK;
}

int lm_table_set_value_labels(lm_table *table, int use)
{
	if (!table || (use != 0 && use != 1) || table->state != TABLE_CLOSED)
		return LM_EINVAL;
	table->value_labels = use;
	return LM_OK;
}

int lm_table_has_readstat(void)
{
#ifdef LM_HAVE_READSTAT
	return 1;
#else
	return 0;
#endif
}

int lm_table_has_xlsx(void)
{
#ifdef LM_HAVE_XLSX
	return 1;
#else
	return 0;
#endif
}

int lm_table_set_sheet(lm_table *table, const char *name)
{
	if (!table || (name && !*name) || table->state != TABLE_CLOSED)
		return LM_EINVAL;
	char *copy = NULL;
	if (name && !(copy = lm__strdup(name)))
		return LM_ENOMEM;
	free(table->sheet_request);
	table->sheet_request = copy;
	return LM_OK;
}

const char *lm_table_sheet(const lm_table *table)
{
#ifdef LM_HAVE_XLSX
	if (table && table->state != TABLE_CLOSED && table->xlsx)
		return lm__xlsx_sheet(table->xlsx);
#endif
	(void)table;
	return NULL;
}

#ifdef LM_HAVE_XLSX
/* Read on from an open workbook: its sheet comes through lm__csv_refill(). */
static int start_workbook(lm_table *t, struct lm_xlsx *x)
{
	if (!t->readbuf && !(t->readbuf = malloc(LM_TABLE_READ_SIZE))) {
		lm__xlsx_close(x);
		return LM_ENOMEM;
	}
	t->xlsx = x;
	t->mem_mode = 0;
	t->eof = 0;
	t->buf = t->readbuf;
	t->pos = t->end = 0;
	return LM_OK;
}

/* The rest of a descriptor, after the bytes already in the read buffer. */
static int read_rest(lm_table *t, lm_error *err)
{
	size_t len = t->end - t->pos, cap = len + LM_TABLE_READ_SIZE;
	char *b = malloc(cap);
	if (!b)
		return LM_ENOMEM;
	memcpy(b, t->buf + t->pos, len);
	for (;;) {
		if (len == cap) {
			char *nb = cap < ((size_t)1 << 30) ? realloc(b, cap * 2) : NULL;
			if (!nb) {
				free(b);
				return cap < ((size_t)1 << 30) ? LM_ENOMEM
							       : lm__error(err, LM_ELIMIT, t->name, 0, 0,
									   "a workbook read from a descriptor is at most 1 GiB");
			}
			b = nb;
			cap *= 2;
		}
		ssize_t n = read(t->fd, b + len, cap - len);
		if (n > 0) {
			len += (size_t)n;
		} else if (n == 0) {
			break;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			struct pollfd pfd = {.fd = t->fd, .events = POLLIN};
			(void)poll(&pfd, 1, -1);
		} else if (errno != EINTR) {
			free(b);
			return lm__error(err, LM_EIO, t->name, 0, 0, "cannot read: %s", strerror(errno));
		}
	}
	t->xlsx_bytes = b;
	t->pos = 0;
	t->end = len;
	return LM_OK;
}
#endif

/* A zip archive given as a descriptor or buffer: a workbook, read as one. */
static int open_zip(lm_table *t, lm_error *err)
{
#ifdef LM_HAVE_XLSX
	if (!t->mem_mode) {
		int r = read_rest(t, err);
		if (r != LM_OK)
			return r;
	}
	const char *data = t->xlsx_bytes ? t->xlsx_bytes : t->buf + t->pos;
	struct lm_xlsx *x;
	int r = lm__xlsx_open(&x, -1, data, t->xlsx_bytes ? t->end : t->end - t->pos, t->name, t->sheet_request, err);
	return r == LM_OK ? start_workbook(t, x) : r;
#else
	(void)t;
	(void)err;
	return LM_OK; /* refused by lm__table_refuse_binary(), saying why */
#endif
}

int lm_table_set_delimiter(lm_table *table, char delimiter)
{
	/* After the open the header was split with the old one. */
	if (!table || table->state != TABLE_CLOSED || delimiter == '"' || delimiter == '\r' || delimiter == '\n')
		return LM_EINVAL;
	table->delim = delimiter; /* '\0': detect from the header line */
	return LM_OK;
}

static int open_common(lm_table *t, const char *name, lm_error *err)
{
	if (!(t->name = lm__strdup(name ? name : "<data>")))
		return LM_ENOMEM;
	/* A UTF-8 byte order mark at the start of the file is not data; a zip archive is a workbook. */
	while (t->end - t->pos < 4 && !t->mem_mode && !t->eof) {
		long n = lm__csv_refill(t, err);
		if (n < 0)
			return (int)n;
	}
	int r;
	if (!t->stats && !t->xlsx && lm__xlsx_is_zip(t->buf + t->pos, t->end - t->pos) &&
	    (r = open_zip(t, err)) != LM_OK)
		return r;
	/* Converted text is always comma-separated. */
	t->pdelim = t->stats || t->xlsx ? ',' : t->delim;
	memset(t->special, 0, sizeof(t->special));
	if (t->pdelim)
		t->special[(unsigned char)t->pdelim] = 1;
	t->special['"'] = 1;
	t->special['\r'] = 1;
	t->special['\n'] = 1;
#ifdef LM_HAVE_XLSX
	if (t->xlsx) {
		long n = lm__csv_refill(t, err);
		if (n < 0)
			return (int)n;
		t->line = lm__xlsx_first_row(t->xlsx); /* header problems name the sheet's row */
	}
#endif
	if (t->end - t->pos >= 3 && memcmp(t->buf + t->pos, "\xEF\xBB\xBF", 3) == 0)
		t->pos += 3;
	r = lm__table_refuse_binary(t, err);
	if (r != LM_OK)
		return r;
	if (t->sheet_request && !t->xlsx)
		return lm__error(err, LM_EDATA, t->name, 0, 0,
				 "a sheet (\"%s\") was asked for, but this is not an Excel workbook", t->sheet_request);
	if (!t->pdelim && (r = lm__csv_detect_delimiter(t, err)) != LM_OK)
		return r;
	r = lm__table_read_header(t, err);
	if (r == LM_OK && !t->stats)
		r = lm__table_skip_qualtrics_rows(t, err);
	if (r != LM_OK)
		return r;
	t->state = TABLE_OPEN;
	return LM_OK;
}

static int open_fd(lm_table *t, int fd, int own, const char *name, lm_error *err)
{
	if (!t->readbuf && !(t->readbuf = malloc(LM_TABLE_READ_SIZE))) {
		if (own)
			close(fd);
		return LM_ENOMEM;
	}
	t->fd = fd;
	t->own_fd = own;
	t->buf = t->readbuf;
	int r = open_common(t, name, err);
	if (r != LM_OK)
		table_close(t);
	return r;
}

/* The statistics-package format a file name's extension names, if any. */
static int stats_format(const char *path)
{
	static const struct {
		const char *ext;
		int format;
	} exts[] = {{".sav", LM_STATS_SAV}, {".zsav", LM_STATS_SAV}, {".por", LM_STATS_POR}, {".dta", LM_STATS_DTA}};
	size_t n = strlen(path);
	for (size_t k = 0; k < sizeof(exts) / sizeof(exts[0]); k++) {
		size_t e = strlen(exts[k].ext);
		if (n <= e)
			continue;
		size_t i = 0;
		while (i < e && (path[n - e + i] | 0x20) == exts[k].ext[i])
			i++;
		if (i == e)
			return exts[k].format;
	}
	return LM_STATS_NONE;
}

/* Read an SPSS or Stata file through ReadStat, as CSV text with the file's name. */
static int open_stats(lm_table *t, const char *path, int format, lm_error *err)
{
#ifdef LM_HAVE_READSTAT
	const struct lm_instrument *inst = t->inst;
	double *codes = NULL;
	if (inst->n_missing && !(codes = malloc(inst->n_missing * sizeof(*codes))))
		return LM_ENOMEM;
	for (size_t k = 0; k < inst->n_missing; k++)
		codes[k] = inst->missing[k].value;
	char *text;
	size_t len;
	int r = lm__readstat_to_csv(path, format, t->value_labels, codes, inst->n_missing, &text, &len, err);
	free(codes);
	if (r != LM_OK)
		return r;
	t->stats = 1;
	t->stats_text = text;
	t->mem_mode = 1;
	t->eof = 1;
	t->buf = text;
	t->pos = 0;
	t->end = len;
	r = open_common(t, path, err);
	if (r != LM_OK)
		table_close(t);
	return r;
#else
	(void)t;
	(void)format;
	return lm__error(err, LM_EDATA, path, 0, 0,
			 "SPSS and Stata files need libra_measures built with ReadStat (-Dreadstat=enabled)");
#endif
}

int lm_table_open_file(lm_table *table, const char *path, lm_error *err)
{
	if (!table || !path)
		return LM_EINVAL;
	table_close(table);
	int format = stats_format(path);
	if (format != LM_STATS_NONE)
		return open_stats(table, path, format, err);
	int fd;
	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return lm__error(err, LM_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
#ifdef LM_HAVE_XLSX
	/* A workbook in a file is read from the file, not copied into memory. */
	char magic[4];
	if (pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) && lm__xlsx_is_zip(magic, sizeof(magic))) {
		struct lm_xlsx *x;
		int r = lm__xlsx_open(&x, fd, NULL, 0, path, table->sheet_request, err);
		if (r == LM_OK)
			r = start_workbook(table, x);
		if (r == LM_OK && (r = open_common(table, path, err)) != LM_OK)
			table_close(table);
		return r;
	}
#endif
	return open_fd(table, fd, 1, path, err);
}

int lm_table_open_fd(lm_table *table, int fd, const char *name, lm_error *err)
{
	if (!table || fd < 0)
		return LM_EINVAL;
	table_close(table);
	return open_fd(table, fd, 0, name, err);
}

int lm_table_open_buffer(lm_table *table, const char *data, size_t len, const char *name, lm_error *err)
{
	if (!table || (!data && len))
		return LM_EINVAL;
	table_close(table);
	table->mem_mode = 1;
	table->eof = 1;
	table->buf = data ? data : "";
	table->pos = 0;
	table->end = len;
	int r = open_common(table, name, err);
	if (r != LM_OK)
		table_close(table);
	return r;
}

/*
 * Copy the reading options of @p src (delimiter, prefix, column mappings,
 * missing tokens, value labels) to @p dst, both unopened tables of the same instrument.
 * Not the id column, which the caller sets.
 */
int lm__table_copy_options(lm_table *dst, const lm_table *src)
{
	if (!dst || !src || dst->inst != src->inst || dst->state != TABLE_CLOSED)
		return LM_EINVAL;
	dst->delim = src->delim;
	dst->value_labels = src->value_labels;
	int rc = lm_table_set_prefix(dst, src->prefix);
	if (rc == LM_OK)
		rc = lm_table_set_sheet(dst, src->sheet_request);
	for (size_t i = 0; rc == LM_OK && src->column_for && i < src->inst->n_items; i++)
		if (src->column_for[i])
			rc = lm_table_map_column(dst, src->inst->items[i].id, src->column_for[i], NULL);
	for (size_t k = 0; rc == LM_OK && k < src->n_missing_tokens; k++)
		rc = lm_table_add_missing(dst, src->missing_tokens[k]);
	return rc;
}
