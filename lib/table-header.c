/*
 * libra_measures — matching a table's header to the instrument's items, the
 * id column and the required columns.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "csv-priv.h"
#include "strbuf.h"

/* ---- header ----------------------------------------------------------- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

void lm__table_trim(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = *len;
	while (n && is_blank(*p)) {
		p++;
		n--;
	}
	while (n && is_blank(p[n - 1]))
		n--;
	*s = p;
	*len = n;
}

/* The column name item @p i is looked for under (owned by the caller), or NULL when out of memory. */
static char *wanted_column(const lm_table *t, size_t i)
{
	const struct lm_instrument *inst = t->inst;
	const char *id = inst->items[i].id;
	if (t->column_for && t->column_for[i])
		return lm__strdup(t->column_for[i]);
	if (!t->prefix)
		return lm__strdup(id);
	/* --prefix Q5_: item stss_7 is column Q5_7 (the part after "<instrument>_"). */
	size_t n = strlen(inst->id);
	const char *suffix = strncmp(id, inst->id, n) == 0 && id[n] == '_' ? id + n + 1 : id;
	size_t lp = strlen(t->prefix), ls = strlen(suffix);
	char *name = malloc(lp + ls + 1);
	if (name) {
		memcpy(name, t->prefix, lp);
		memcpy(name + lp, suffix, ls + 1);
	}
	return name;
}

void lm__table_free_map(struct colmap *map, size_t n)
{
	for (size_t k = 0; map && k < n; k++)
		free(map[k].name);
	free(map);
}

/*
 * The header has no id column: an error (a table of respondents without ids
 * would write rows nobody can tell apart) that lists the header's columns and
 * says how to name the id column, or that there is none. Returns LM_EDATA or
 * LM_ENOMEM.
 */
static int no_id_column(const lm_table *t, unsigned long line, size_t ncols, const char *want, lm_error *err)
{
	struct lm_strbuf b = LM_STRBUF_INIT;
	size_t shown = ncols < 20 ? ncols : 20, near = LM_NO_INDEX;
	for (size_t c = 0; c < ncols; c++) {
		size_t len;
		const char *s = field(t, c, &len);
		lm__table_trim(&s, &len);
		size_t k = 0;
		while (k < len && want[k] && (s[k] | 0x20) == (want[k] | 0x20))
			k++;
		if (k == len && !want[k] && near == LM_NO_INDEX)
			near = c;
		if (c < shown) {
			lm__sb_str(&b, c ? ", " : "");
			lm__sb_quoted(&b, s, len, 40);
		}
	}
	if (ncols > shown) {
		char more[48];
		snprintf(more, sizeof(more), " and %zu more", ncols - shown);
		lm__sb_str(&b, more);
	}
	if (near != LM_NO_INDEX) {
		size_t len;
		const char *s = field(t, near, &len);
		lm__table_trim(&s, &len);
		lm__sb_str(&b, "; ");
		lm__sb_quoted(&b, s, len, 40);
		lm__sb_str(&b, " differs in case");
	}
	if (b.failed) {
		free(b.s);
		return LM_ENOMEM;
	}
	if (t->id_request)
		lm__error(err, LM_EDATA, t->name, line, 0, "id column \"%s\" is not in the header (its columns: %s)", want,
			  b.s);
	else
		lm__error(err, LM_EDATA, t->name, line, 0,
			  "no id column: no column is named \"id\" (the header has %s); name the column of respondent "
			  "ids (lm_table_set_id_column()), or say that there is none (lm_table_set_no_id()) to have "
			  "the data row number identify each row",
			  b.s);
	free(b.s);
	return LM_EDATA;
}

/* Build the header's column map. Every problem is reported; returns LM_OK or LM_EDATA. */
int lm__table_read_header(lm_table *t, lm_error *err)
{
	const struct lm_instrument *inst = t->inst;
	t->fields_keep = SIZE_MAX;
	int r = lm__csv_read_record(t, err);
	if (r == LM_EDATA)
		return lm__error(err, LM_EDATA, t->name, t->row_line, t->open_quote_field,
				 "header: quoted field not closed before the end of the file");
	if (r < 0)
		return r;
	if (r == 0)
		return lm__error(err, LM_EDATA, t->name, 0, 0, "empty file: no header row");
	if (t->rec_blank)
		return lm__error(err, LM_EDATA, t->name, t->row_line, 0,
				 "the first line is empty: it must be the header row");
	/* Blank lines after the header are rows, reported by lm_table_next(). */
	unsigned long header_line = t->row_line;
	size_t ncols = t->nfields, ni = inst->n_items;
	if (ncols > LM_TABLE_COLUMNS_MAX)
		return lm__error(err, LM_ELIMIT, t->name, header_line, 0,
				 "the header has %zu columns, more than the limit of %d", ncols, LM_TABLE_COLUMNS_MAX);
	size_t *item_col = malloc((ni ? ni : 1) * sizeof(*item_col));
	char **want = calloc(ni ? ni : 1, sizeof(*want));
	struct colmap *map = calloc(ncols ? ncols : 1, sizeof(*map));
	int status = item_col && want && map ? LM_OK : LM_ENOMEM;
	/* Once an allocation fails, only LM_ENOMEM is said: no column is then
	 * known to be missing. */
	int nomem = status == LM_ENOMEM;
	for (size_t i = 0; status == LM_OK && i < ni; i++) {
		item_col[i] = LM_NO_INDEX;
		if (!(want[i] = wanted_column(t, i)))
			status = LM_ENOMEM, nomem = 1;
	}
	const char *want_id = t->no_id ? NULL : t->id_request ? t->id_request : "id";
	size_t id_col = LM_NO_INDEX, nmap = 0;
	for (size_t c = 0; !nomem && c < ncols; c++) {
		size_t len;
		const char *s = field(t, c, &len);
		lm__table_trim(&s, &len);
		if (want_id && name_equal(s, len, want_id)) {
			if (id_col != LM_NO_INDEX) {
				status = lm__error(err, LM_EDATA, t->name, header_line, c + 1,
						   "duplicate column \"%s\" (fields %zu and %zu)", want_id,
						   id_col + 1, c + 1);
				continue;
			}
			id_col = c;
		}
		size_t item = LM_NO_INDEX;
		for (size_t i = 0; i < ni; i++) {
			if (!name_equal(s, len, want[i]))
				continue;
			if (item == LM_NO_INDEX) {
				item = i;
				continue;
			}
			status = lm__error(err, LM_EDATA, t->name, header_line, c + 1,
					   "column \"%s\" is named for two items, %s and %s", want[i],
					   inst->items[item].id, inst->items[i].id);
			item_col[i] = c; /* said here; not "no column" as well */
		}
		if (item == LM_NO_INDEX)
			continue;
		if (item_col[item] != LM_NO_INDEX) {
			status = lm__error(err, LM_EDATA, t->name, header_line, c + 1,
					   "duplicate column \"%s\" (fields %zu and %zu)", want[item],
					   item_col[item] + 1, c + 1);
			continue;
		}
		item_col[item] = c;
		map[nmap].col = c;
		map[nmap].item = item;
		if (!(map[nmap++].name = lm__strdup(want[item])))
			status = LM_ENOMEM, nomem = 1;
	}
	struct lm_strbuf missing = LM_STRBUF_INIT;
	size_t n_missing = 0;
	for (size_t i = 0; !nomem && i < ni; i++) {
		if (item_col[i] != LM_NO_INDEX || !inst->items[i].scored)
			continue;
		if (n_missing++)
			lm__sb_str(&missing, ", ");
		lm__sb_str(&missing, inst->items[i].id);
		if (strcmp(want[i], inst->items[i].id) != 0) {
			lm__sb_str(&missing, " (column \"");
			lm__sb_str(&missing, want[i]);
			lm__sb_str(&missing, "\")");
		}
	}
	nomem |= missing.failed;
	if (n_missing && !nomem)
		status = lm__error(err, LM_EDATA, t->name, header_line, 0, "no column for item%s %s",
				   n_missing > 1 ? "s" : "", missing.s);
	free(missing.s);
	if (want_id && id_col == LM_NO_INDEX && !nomem && no_id_column(t, header_line, ncols, want_id, err) == LM_ENOMEM)
		nomem = 1;
	else if (want_id && id_col == LM_NO_INDEX && !nomem)
		status = LM_EDATA;
	for (size_t e = 0; e < t->n_extra && !nomem; e++) {
		t->extra[e].col = LM_NO_INDEX;
		for (size_t c = 0; c < ncols; c++) {
			size_t len;
			const char *s = field(t, c, &len);
			lm__table_trim(&s, &len);
			if (!name_equal(s, len, t->extra[e].name))
				continue;
			if (t->extra[e].col == LM_NO_INDEX)
				t->extra[e].col = c;
			else
				status = lm__error(err, LM_EDATA, t->name, header_line, c + 1,
						   "duplicate column \"%s\" (fields %zu and %zu)", t->extra[e].name,
						   t->extra[e].col + 1, c + 1);
		}
		if (t->extra[e].col == LM_NO_INDEX)
			status = lm__error(err, LM_EDATA, t->name, header_line, 0, "column \"%s\" is not in the header",
					   t->extra[e].name);
	}
	if (nomem)
		status = LM_ENOMEM;
	for (size_t i = 0; want && i < ni; i++)
		free(want[i]);
	free(want);
	free(item_col);
	if (status == LM_OK && id_col != LM_NO_INDEX && !(t->id_name = lm__strdup(want_id)))
		status = LM_ENOMEM;
	if (status != LM_OK) {
		lm__table_free_map(map, nmap);
		return status;
	}
	if (!(t->header = calloc(ncols ? ncols : 1, sizeof(*t->header)))) {
		lm__table_free_map(map, nmap);
		return LM_ENOMEM;
	}
	t->ncols = ncols; /* so that table_close() frees what is made here */
	for (size_t c = 0; c < ncols; c++) {
		size_t len;
		const char *s = field(t, c, &len);
		lm__table_trim(&s, &len);
		if (!(t->header[c] = lm__strndup(s, len))) {
			lm__table_free_map(map, nmap);
			return LM_ENOMEM;
		}
	}
	t->map = map;
	t->nmap = nmap;
	t->id_col = id_col;
	t->ncols = ncols;
	/* Data rows keep only the fields the header has; extra ones are counted.
	 * Room for them (and the fast path's slack) is made now, not per row. */
	t->fields_keep = ncols;
	while (t->ends_cap < ncols + 16)
		if (lm__csv_grow_fields(t) != LM_OK)
			return LM_ENOMEM;
	return LM_OK;
}

