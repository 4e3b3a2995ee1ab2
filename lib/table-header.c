/*
 * libra_measures — matching a table's header to the instrument's items, the
 * id column and the required columns.
 */
#include <stdarg.h>
#include <stdint.h>
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

/* ---- matching the header ------------------------------------------------ */

/* What reading one header works with; one cleanup (header_done()). */
struct header {
	lm_table *t;
	lm_error *err;
	unsigned long line;  /* the header's line */
	size_t ncols, ni;
	char **want;         /* per item: the column name looked for (owned) */
	size_t *item_col;    /* per item: its column, or LM_NO_INDEX */
	size_t *col_item;    /* per column: its item, or LM_NO_INDEX */
	const char *want_id; /* NULL with no id column */
	size_t id_col;
	size_t case_matches; /* item columns found only ignoring case */
	int status;          /* LM_OK, LM_EDATA, or LM_ENOMEM once an allocation failed */
};

/* Column @p c of the header record, trimmed. */
static const char *column(const struct header *h, size_t c, size_t *len)
{
	const char *s = field(h->t, c, len);
	lm__table_trim(&s, len);
	return s;
}

/* Record a problem: the status becomes LM_EDATA, unless memory already ran out. */
static void header_problem(struct header *h, size_t col, const char *fmt, ...) LM_PRINTF(3, 4);
static void header_problem(struct header *h, size_t col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lm__verror(h->err, LM_EDATA, h->t->name, h->line, col, fmt, ap);
	va_end(ap);
	if (h->status == LM_OK)
		h->status = LM_EDATA;
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Whether [s, s + len) is @p name in ASCII letters of any case. */
static int name_equal_nocase(const char *s, size_t len, const char *name)
{
	size_t n = strlen(name);
	if (n != len)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (ascii_lower((unsigned char)s[k]) != ascii_lower((unsigned char)name[k]))
			return 0;
	return 1;
}

/* The first pass: columns named exactly as the items and the id column. */
static void match_exact(struct header *h)
{
	const struct lm_instrument *inst = h->t->inst;
	for (size_t c = 0; c < h->ncols; c++) {
		size_t len, item = LM_NO_INDEX;
		const char *s = column(h, c, &len);
		char fields[64];
		if (h->want_id && name_equal(s, len, h->want_id)) {
			if (h->id_col != LM_NO_INDEX) {
				snprintf(fields, sizeof(fields), "%zu and %zu", h->id_col + 1, c + 1);
				header_problem(h, c + 1, "duplicate column \"%s\" (fields %s)", h->want_id, fields);
				continue;
			}
			h->id_col = c;
		}
		for (size_t i = 0; i < h->ni; i++) {
			if (!name_equal(s, len, h->want[i]))
				continue;
			if (item == LM_NO_INDEX) {
				item = i;
				continue;
			}
			header_problem(h, c + 1, "column \"%s\" is named for two items, %s and %s", h->want[i],
				       inst->items[item].id, inst->items[i].id);
			h->item_col[i] = c; /* said here; not "no column" as well */
		}
		if (item == LM_NO_INDEX)
			continue;
		if (h->item_col[item] != LM_NO_INDEX) {
			snprintf(fields, sizeof(fields), "%zu and %zu", h->item_col[item] + 1, c + 1);
			header_problem(h, c + 1, "duplicate column \"%s\" (fields %s)", h->want[item], fields);
			continue;
		}
		h->item_col[item] = c;
		h->col_item[c] = item;
	}
}

/*
 * The second pass: an item without a column of its exact name takes the one
 * column, used by nothing else, whose name differs from it only in the case
 * of ASCII letters ("STSS_1" for stss_1). Two such columns are ambiguous: an
 * error, which says to name the column.
 */
static void match_ignoring_case(struct header *h)
{
	for (size_t i = 0; i < h->ni; i++) {
		size_t found = LM_NO_INDEX, second = LM_NO_INDEX;
		if (h->item_col[i] != LM_NO_INDEX)
			continue;
		for (size_t c = 0; c < h->ncols; c++) {
			size_t len;
			const char *s = column(h, c, &len);
			if (h->col_item[c] != LM_NO_INDEX || c == h->id_col || !name_equal_nocase(s, len, h->want[i]))
				continue;
			if (found == LM_NO_INDEX)
				found = c;
			else if (second == LM_NO_INDEX)
				second = c;
		}
		if (found == LM_NO_INDEX)
			continue;
		if (second != LM_NO_INDEX) {
			struct lm_strbuf b = LM_STRBUF_INIT;
			size_t len, len2;
			const char *s = column(h, found, &len), *s2 = column(h, second, &len2);
			if (len == len2 && memcmp(s, s2, len) == 0) {
				char fields[64];
				snprintf(fields, sizeof(fields), "%zu and %zu", found + 1, second + 1);
				header_problem(h, second + 1, "duplicate column \"%.*s\" (fields %s)", (int)len, s, fields);
				h->item_col[i] = second; /* said here; not "no column" as well */
				continue;
			}
			lm__sb_quoted(&b, s, len, 40);
			lm__sb_str(&b, " and ");
			s = column(h, second, &len);
			lm__sb_quoted(&b, s, len, 40);
			if (b.failed) {
				lm__sb_free(&b);
				h->status = LM_ENOMEM;
				return;
			}
			header_problem(h, second + 1,
				       "no column for item %s: the header has %s, which differ from \"%s\" only in case; "
				       "name its column (lm_table_map_column())",
				       h->t->inst->items[i].id, b.s, h->want[i]);
			lm__sb_free(&b);
			h->item_col[i] = second; /* said here; not "no column" as well */
			continue;
		}
		h->item_col[i] = found;
		h->col_item[found] = i;
		h->case_matches++;
	}
}

/* The edit distance of [a, a + la) and [b, b + lb), ASCII case ignored; SIZE_MAX past 63 bytes. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t row[64];
	if (la >= 64 || lb >= 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = ascii_lower((unsigned char)a[i - 1]) != ascii_lower((unsigned char)b[j - 1]);
			size_t best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* Whether [s, s + len) is the name an item is looked for under (a second column of that name, say). */
static int named_for_an_item(const struct header *h, const char *s, size_t len)
{
	for (size_t i = 0; i < h->ni; i++)
		if (name_equal(s, len, h->want[i]))
			return 1;
	return 0;
}

/* The unused column whose name is closest to @p want (at most 2 edits, and
 * fewer than half its length), or LM_NO_INDEX. */
static size_t closest_column(const struct header *h, const char *want)
{
	size_t best = LM_NO_INDEX, best_d = SIZE_MAX, lw = strlen(want);
	for (size_t c = 0; c < h->ncols; c++) {
		size_t len, d;
		const char *s = column(h, c, &len);
		if (h->col_item[c] != LM_NO_INDEX || c == h->id_col || len == 0 || named_for_an_item(h, s, len))
			continue;
		d = edit_distance(s, len, want, lw);
		if (d <= 2 && 2 * d < lw && d < best_d) {
			best = c;
			best_d = d;
		}
	}
	return best;
}

/* The part of item @p i's id a prefix goes before (stss_7 → "7"), as wanted_column() makes it. */
static const char *item_suffix(const struct lm_instrument *inst, size_t i)
{
	const char *id = inst->items[i].id;
	size_t n = strlen(inst->id);
	return strncmp(id, inst->id, n) == 0 && id[n] == '_' ? id + n + 1 : id;
}

/* Whether the header has a column named exactly [p, p + lp) followed by @p suffix. */
static int has_prefixed(const struct header *h, const char *p, size_t lp, const char *suffix)
{
	size_t ls = strlen(suffix);
	for (size_t c = 0; c < h->ncols; c++) {
		size_t len;
		const char *s = column(h, c, &len);
		if (len == lp + ls && memcmp(s, p, lp) == 0 && memcmp(s + lp, suffix, ls) == 0)
			return 1;
	}
	return 0;
}

/*
 * A prefix under which the header has a column for every missing item
 * (Q5_1 ... Q5_17 for stss_1 ... stss_17), as the length of a column name's
 * start: the prefix is column(*col)[0, *plen). 0 when there is none. Only
 * items looked for by their own ids count (a --map names a column itself).
 */
static int common_prefix(const struct header *h, size_t *col, size_t *plen)
{
	const struct lm_instrument *inst = h->t->inst;
	size_t first = LM_NO_INDEX;
	for (size_t i = 0; i < h->ni; i++) {
		if (h->item_col[i] != LM_NO_INDEX || !inst->items[i].scored)
			continue;
		if (h->t->column_for && h->t->column_for[i])
			return 0;
		if (first == LM_NO_INDEX)
			first = i;
	}
	if (first == LM_NO_INDEX)
		return 0;
	/* Each column ending in the first missing item's suffix proposes what is before it. */
	const char *suffix = item_suffix(inst, first);
	size_t ls = strlen(suffix);
	for (size_t c = 0; c < h->ncols; c++) {
		size_t len;
		const char *s = column(h, c, &len);
		if (len <= ls || memcmp(s + len - ls, suffix, ls) != 0)
			continue;
		int all = 1;
		for (size_t i = first; all && i < h->ni; i++)
			if (h->item_col[i] == LM_NO_INDEX && inst->items[i].scored)
				all = has_prefixed(h, s, len - ls, item_suffix(inst, i));
		if (all) {
			*col = c;
			*plen = len - ls;
			return 1;
		}
	}
	return 0;
}

/*
 * One error for the scored items without a column: which, and how to find
 * them — the prefix they all have in the header, or each one's closest
 * column name, or else the header's first columns.
 */
static void report_missing(struct header *h)
{
	const struct lm_instrument *inst = h->t->inst;
	struct lm_strbuf items = LM_STRBUF_INIT, why = LM_STRBUF_INIT;
	size_t n_missing = 0, n_close = 0, pcol, plen;
	for (size_t i = 0; i < h->ni; i++) {
		if (h->item_col[i] != LM_NO_INDEX || !inst->items[i].scored)
			continue;
		lm__sb_str(&items, n_missing++ ? ", " : "");
		lm__sb_str(&items, inst->items[i].id);
		if (strcmp(h->want[i], inst->items[i].id) != 0) {
			lm__sb_str(&items, " (column \"");
			lm__sb_str(&items, h->want[i]);
			lm__sb_str(&items, "\")");
		}
	}
	if (n_missing == 0)
		goto done;
	if (common_prefix(h, &pcol, &plen)) {
		size_t len;
		const char *s = column(h, pcol, &len);
		lm__sb_str(&why, "; the header has ");
		lm__sb_str(&why, n_missing > 1 ? "them all" : "it");
		lm__sb_str(&why, " under the prefix ");
		lm__sb_quoted(&why, s, plen, 40);
		lm__sb_str(&why, ": set it as the column prefix (lm_table_set_prefix())");
	} else {
		for (size_t i = 0; i < h->ni && n_close < 10; i++) {
			size_t c, len;
			if (h->item_col[i] != LM_NO_INDEX || !inst->items[i].scored ||
			    (c = closest_column(h, h->want[i])) == LM_NO_INDEX)
				continue;
			const char *s = column(h, c, &len);
			lm__sb_str(&why, n_close++ ? ", " : "; the closest names in the header: ");
			lm__sb_quoted(&why, s, len, 40);
			lm__sb_str(&why, " for ");
			lm__sb_str(&why, inst->items[i].id);
		}
		if (n_close) {
			lm__sb_str(&why, "; if those are the items' columns, name them (lm_table_map_column())");
		} else if (!h->want_id || h->id_col != LM_NO_INDEX) { /* else the id column's error lists them */
			size_t shown = h->ncols < 10 ? h->ncols : 10;
			lm__sb_str(&why, "; the header has ");
			for (size_t c = 0; c < shown; c++) {
				size_t len;
				const char *s = column(h, c, &len);
				lm__sb_str(&why, c ? ", " : "");
				lm__sb_quoted(&why, s, len, 40);
			}
			if (h->ncols > shown) {
				char more[48];
				snprintf(more, sizeof(more), " and %zu more", h->ncols - shown);
				lm__sb_str(&why, more);
			}
		}
	}
	if (items.failed || why.failed)
		h->status = LM_ENOMEM;
	else
		header_problem(h, 0, "no column for item%s %s%s", n_missing > 1 ? "s" : "", items.s, why.s ? why.s : "");
done:
	lm__sb_free(&items);
	lm__sb_free(&why);
}

/* The columns asked for with lm_table_require_column(): each exactly once. */
static void match_extra(struct header *h)
{
	lm_table *t = h->t;
	for (size_t e = 0; e < t->n_extra; e++) {
		t->extra[e].col = LM_NO_INDEX;
		for (size_t c = 0; c < h->ncols; c++) {
			size_t len;
			const char *s = column(h, c, &len);
			char fields[64];
			if (!name_equal(s, len, t->extra[e].name))
				continue;
			if (t->extra[e].col == LM_NO_INDEX) {
				t->extra[e].col = c;
				continue;
			}
			snprintf(fields, sizeof(fields), "%zu and %zu", t->extra[e].col + 1, c + 1);
			header_problem(h, c + 1, "duplicate column \"%s\" (fields %s)", t->extra[e].name, fields);
		}
		if (t->extra[e].col == LM_NO_INDEX)
			header_problem(h, 0, "column \"%s\" is not in the header", t->extra[e].name);
	}
}

/* Keep what the rows need: the header's names, the item columns in column order, the id column. */
static int keep_header(struct header *h)
{
	lm_table *t = h->t;
	struct colmap *map = calloc(h->ni ? h->ni : 1, sizeof(*map));
	size_t nmap = 0;
	if (!map || !(t->header = calloc(h->ncols ? h->ncols : 1, sizeof(*t->header)))) {
		free(map);
		return LM_ENOMEM;
	}
	t->ncols = h->ncols; /* so that table_close() frees what is made here */
	t->map = map;
	for (size_t c = 0; c < h->ncols; c++) {
		size_t len, item = h->col_item[c];
		const char *s = column(h, c, &len);
		if (!(t->header[c] = lm__strndup(s, len)))
			return LM_ENOMEM;
		if (item == LM_NO_INDEX)
			continue;
		map[nmap].col = c;
		map[nmap].item = item;
		map[nmap].digits = item * 10;
		/* The column's own name: what the messages about its cells quote. */
		if (!(map[nmap++].name = lm__strndup(s, len)))
			return LM_ENOMEM;
		t->nmap = nmap;
	}
	/* Runs of item columns side by side, read together by the fused reader. */
	for (size_t a = nmap; a-- > 0;)
		map[a].run = map[a].col + 1 == h->ncols ? 0
			     : a + 1 < nmap && map[a + 1].col == map[a].col + 1 ? map[a + 1].run + 1
										 : 1;
	t->map_distinct = 1;
	for (size_t a = 0; a < nmap; a++)
		for (size_t b = a + 1; b < nmap; b++)
			if (map[a].item == map[b].item)
				t->map_distinct = 0;
	if (h->id_col != LM_NO_INDEX && !(t->id_name = lm__strdup(h->want_id)))
		return LM_ENOMEM;
	t->id_col = h->id_col;
	t->case_matches = h->case_matches;
	return LM_OK;
}

/* Read the header record; LM_OK, or the problem said. */
static int read_header_record(lm_table *t, lm_error *err)
{
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
	if (t->nfields > LM_TABLE_COLUMNS_MAX)
		return lm__error(err, LM_ELIMIT, t->name, t->row_line, 0,
				 "the header has %zu columns, more than the limit of %d", t->nfields, LM_TABLE_COLUMNS_MAX);
	return LM_OK;
}

/*
 * Build the header's column map: items by exact name, then by name in any
 * case where that is unambiguous; the id column; the required columns.
 * Every problem is reported; returns LM_OK, LM_EDATA, LM_ELIMIT or LM_ENOMEM.
 * Once an allocation fails, only LM_ENOMEM is said: no column is then known
 * to be missing.
 */
int lm__table_read_header(lm_table *t, lm_error *err)
{
	int r = read_header_record(t, err);
	if (r != LM_OK)
		return r;
	struct header h = {
		.t = t,
		.err = err,
		.line = t->row_line,
		.ncols = t->nfields,
		.ni = t->inst->n_items,
		.want_id = t->no_id ? NULL : t->id_request ? t->id_request : "id",
		.id_col = LM_NO_INDEX,
		.status = LM_OK,
	};
	h.want = calloc(h.ni ? h.ni : 1, sizeof(*h.want));
	h.item_col = malloc((h.ni ? h.ni : 1) * sizeof(*h.item_col));
	h.col_item = malloc((h.ncols ? h.ncols : 1) * sizeof(*h.col_item));
	if (!h.want || !h.item_col || !h.col_item)
		h.status = LM_ENOMEM;
	for (size_t i = 0; h.status == LM_OK && i < h.ni; i++) {
		h.item_col[i] = LM_NO_INDEX;
		if (!(h.want[i] = wanted_column(t, i)))
			h.status = LM_ENOMEM;
	}
	for (size_t c = 0; h.status == LM_OK && c < h.ncols; c++)
		h.col_item[c] = LM_NO_INDEX;

	if (h.status != LM_ENOMEM)
		match_exact(&h);
	if (h.status != LM_ENOMEM)
		match_ignoring_case(&h);
	if (h.status != LM_ENOMEM)
		report_missing(&h);
	if (h.status != LM_ENOMEM && h.want_id && h.id_col == LM_NO_INDEX)
		h.status = no_id_column(t, h.line, h.ncols, h.want_id, err);
	if (h.status != LM_ENOMEM)
		match_extra(&h);
	if (h.status == LM_OK)
		h.status = keep_header(&h);

	for (size_t i = 0; h.want && i < h.ni; i++)
		free(h.want[i]);
	free(h.want);
	free(h.item_col);
	free(h.col_item);
	if (h.status != LM_OK)
		return h.status;
	/* Data rows keep only the fields the header has; extra ones are counted.
	 * Room for them (and the fast path's slack) is made now, not per row. */
	t->fields_keep = h.ncols;
	while (t->ends_cap < h.ncols + 16)
		if (lm__csv_grow_fields(t) != LM_OK)
			return LM_ENOMEM;
	return LM_OK;
}
