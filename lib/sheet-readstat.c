/*
 * libra_measures — a result table (sheet-priv.h) written as an SPSS system
 * file (.sav) or a Stata file (.dta) through ReadStat's writer: numbers as
 * doubles with system-missing, codes as whole numbers with value labels,
 * text as strings, each column's label as its variable label. Column names
 * that the formats do not allow are made into names they do (the original
 * name becomes the variable label then).
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <readstat.h>

#include "internal.h"
#include "output-priv.h"
#include "sheet-priv.h"

/* What the formats allow (Stata 14+ and SPSS). Longer texts are refused. */
#define DTA_NAME_MAX 32
#define SAV_NAME_MAX 64
#define DTA_LABEL_MAX 80
#define SAV_LABEL_MAX 255
#define DTA_STRING_MAX 2045
#define SAV_STRING_MAX 32767
#define VALUE_LABEL_MAX 120 /* SPSS's; Stata allows more */

static ssize_t put_bytes(const void *data, size_t len, void *ctx)
{
	struct lm_out *o = ctx;
	lm__out_put(o, data, len);
	return o->write_errno ? -1 : (ssize_t)len;
}

static const char *const reserved_sav[] = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE",
					   "LT", "NE", "NOT", "OR", "TO", "WITH"};
static const char *const reserved_dta[] = {
	"_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n", "_N",
	"_pi", "_pred", "_rc", "_skip", "strL", "using", "with"};

static int is_reserved(const char *name, int format)
{
	if (format == LM_SHEET_SAV) {
		for (size_t k = 0; k < sizeof(reserved_sav) / sizeof(*reserved_sav); k++)
			if (strcasecmp(name, reserved_sav[k]) == 0)
				return 1;
		return 0;
	}
	for (size_t k = 0; k < sizeof(reserved_dta) / sizeof(*reserved_dta); k++)
		if (strcmp(name, reserved_dta[k]) == 0)
			return 1;
	/* str1 ... str2045 name types */
	if (strncmp(name, "str", 3) == 0 && name[3] >= '1' && name[3] <= '9' && strspn(name + 3, "0123456789") ==
										     strlen(name + 3))
		return 1;
	return 0;
}

/*
 * A name the format allows, made from @p name into @p out (room for
 * SAV_NAME_MAX + 1): letters, digits and '_' kept, anything else '_', a
 * leading 'v' when it does not start with a letter, cut to the format's
 * length, then "_2", "_3" ... until it differs from the @p n names before
 * (ignoring case: SPSS does, and so Stata users' habits). 1 when it is
 * @p name unchanged.
 */
static int make_name(char *out, const char *name, int format, char (*before)[SAV_NAME_MAX + 1], size_t n)
{
	size_t max = format == LM_SHEET_DTA ? DTA_NAME_MAX : SAV_NAME_MAX, len = 0;
	if (!isalpha((unsigned char)name[0]))
		out[len++] = 'v';
	for (const char *p = name; *p && len < max; p++)
		out[len++] = isalnum((unsigned char)*p) || *p == '_' ? *p : '_';
	out[len] = '\0';
	if (is_reserved(out, format) && len < max)
		out[len++] = '_', out[len] = '\0';
	int same = strcmp(out, name) == 0;
	char base[SAV_NAME_MAX + 1];
	memcpy(base, out, len + 1);
	for (unsigned k = 2;; k++) {
		size_t i = 0;
		while (i < n && strcasecmp(before[i], out) != 0)
			i++;
		if (i == n)
			return same;
		char suffix[16];
		int sl = snprintf(suffix, sizeof(suffix), "_%u", k);
		size_t keep = len + (size_t)sl > max ? max - (size_t)sl : len;
		memcpy(out, base, keep);
		memcpy(out + keep, suffix, (size_t)sl + 1);
		same = 0;
	}
}

/* @p text cut to at most @p max bytes at a UTF-8 character boundary, into @p buf (room for max + 1). */
static const char *cut(char *buf, const char *text, size_t max)
{
	size_t len = strlen(text);
	if (len <= max)
		return text;
	len = max;
	while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
		len--;
	memcpy(buf, text, len);
	buf[len] = '\0';
	return buf;
}

static int rs_fail(lm_error *err, const char *name, readstat_error_t e, const char *what)
{
	return lm__error(err, LM_EIO, name, 0, 0, "could not be written (%s: %s)", what, readstat_error_message(e));
}

int lm__sheet_write_readstat(const struct lm_sheet *s, int format, struct lm_out *o, const char *name, lm_error *err)
{
	size_t label_max = format == LM_SHEET_DTA ? DTA_LABEL_MAX : SAV_LABEL_MAX;
	size_t string_max = format == LM_SHEET_DTA ? DTA_STRING_MAX : SAV_STRING_MAX;
	const char *what = format == LM_SHEET_DTA ? "a Stata file" : "an SPSS file";

	if (s->rows > INT32_MAX)
		return lm__error(err, LM_ELIMIT, name, 0, 0, "has %zu rows; %s holds at most %ld", s->rows, what,
				 (long)INT32_MAX);
	int bad = 0;
	for (size_t c = 0; c < s->n_cols; c++)
		if (s->cols[c].kind == LM_SHEET_TEXT && s->cols[c].width > string_max)
			bad = lm__error(err, LM_ELIMIT, name, 0, 0,
					"column '%s' has a text of %zu bytes; %s holds at most %zu in a column",
					s->cols[c].name, s->cols[c].width, what, string_max);
	if (bad)
		return bad;

	int rc = LM_ENOMEM;
	readstat_writer_t *w = readstat_writer_init();
	char (*names)[SAV_NAME_MAX + 1] = calloc(s->n_cols + s->n_labels + 1, sizeof(*names));
	readstat_variable_t **vars = calloc(s->n_cols + 1, sizeof(*vars));
	readstat_label_set_t **sets = calloc(s->n_labels + 1, sizeof(*sets));
	char *text = NULL;
	size_t text_cap = 0;
	if (!w || !names || !vars || !sets)
		goto out;
	readstat_set_data_writer(w, put_bytes);
	if (format == LM_SHEET_SAV)
		readstat_writer_set_compression(w, READSTAT_COMPRESS_ROWS);

	char buf[SAV_LABEL_MAX + 1];
	/* Value-label sets: their names follow the rules of variable names in Stata. */
	for (size_t k = 0; k < s->n_labels; k++) {
		const struct lm_sheet_labels *l = &s->labels[k];
		make_name(names[s->n_cols + k], l->name, LM_SHEET_DTA, names + s->n_cols, k);
		sets[k] = readstat_add_label_set(w, READSTAT_TYPE_INT32, names[s->n_cols + k]);
		for (size_t i = 0; i < l->n; i++)
			readstat_label_int32_value(sets[k], (int32_t)l->code[i], cut(buf, l->text[i], VALUE_LABEL_MAX));
	}
	for (size_t c = 0; c < s->n_cols; c++) {
		const struct lm_sheet_col *col = &s->cols[c];
		int same = make_name(names[c], col->name, format, names, c);
		readstat_type_t type = col->kind == LM_SHEET_TEXT   ? READSTAT_TYPE_STRING
				       : col->kind == LM_SHEET_CODE ? READSTAT_TYPE_INT32
								    : READSTAT_TYPE_DOUBLE;
		vars[c] = readstat_add_variable(w, names[c], type, col->kind == LM_SHEET_TEXT ? (col->width ? col->width : 1) : 0);
		const char *label = col->label ? col->label : same ? NULL : col->name;
		if (label)
			readstat_variable_set_label(vars[c], cut(buf, label, label_max));
		if (col->kind == LM_SHEET_CODE && col->labels < s->n_labels)
			readstat_variable_set_label_set(vars[c], sets[col->labels]);
		readstat_variable_set_measure(vars[c], col->kind == LM_SHEET_NUMBER ? READSTAT_MEASURE_SCALE
							: col->kind == LM_SHEET_CODE ? READSTAT_MEASURE_ORDINAL
										     : READSTAT_MEASURE_NOMINAL);
	}
	readstat_error_t e = format == LM_SHEET_DTA ? readstat_begin_writing_dta(w, o, (long)s->rows)
						     : readstat_begin_writing_sav(w, o, (long)s->rows);
	if (e == READSTAT_OK)
		e = readstat_validate_metadata(w);
	for (size_t c = 0; e == READSTAT_OK && c < s->n_cols; c++)
		if ((e = readstat_validate_variable(w, vars[c])) != READSTAT_OK)
			rc = lm__error(err, LM_EDATA, name, 0, 0, "column '%s' cannot be written as %s (%s)",
				       s->cols[c].name, what, readstat_error_message(e));
	if (e != READSTAT_OK) {
		if (rc == LM_ENOMEM)
			rc = rs_fail(err, name, e, what);
		goto out;
	}
	for (size_t r = 0; r < s->rows && e == READSTAT_OK; r++) {
		const double *num = s->num + r * s->n_num;
		const size_t(*span)[2] = (const size_t(*)[2])(s->text + r * s->n_text);
		e = readstat_begin_row(w);
		for (size_t c = 0; c < s->n_cols && e == READSTAT_OK; c++) {
			const struct lm_sheet_col *col = &s->cols[c];
			if (col->kind == LM_SHEET_TEXT) {
				size_t off = span[col->slot][0], len = span[col->slot][1];
				if (len == SIZE_MAX)
					len = 0;
				if (len + 1 > text_cap) {
					char *p = realloc(text, len + 1);
					if (!p) {
						rc = LM_ENOMEM;
						goto out;
					}
					text = p;
					text_cap = len + 1;
				}
				memcpy(text, s->chars.s ? s->chars.s + off : "", len);
				text[len] = '\0';
				e = readstat_insert_string_value(w, vars[c], text);
			} else {
				double v = num[col->slot];
				if (isnan(v))
					e = readstat_insert_missing_value(w, vars[c]);
				else if (col->kind == LM_SHEET_CODE)
					e = readstat_insert_int32_value(w, vars[c], (int32_t)v);
				else
					e = readstat_insert_double_value(w, vars[c], v);
			}
		}
		if (e == READSTAT_OK)
			e = readstat_end_row(w);
	}
	if (e == READSTAT_OK)
		e = readstat_end_writing(w);
	if (o->write_errno)
		rc = LM_EIO; /* said by the commit, with the system's reason */
	else if (e != READSTAT_OK)
		rc = rs_fail(err, name, e, what);
	else
		rc = LM_OK;
out:
	free(text);
	free(sets);
	free(vars);
	free(names);
	if (w)
		readstat_writer_free(w);
	return rc;
}
