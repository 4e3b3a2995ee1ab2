/*
 * libra_measures — a table of results held in memory for the writers of
 * whole files (sheet-priv.h): its columns, value labels and rows.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sheet-priv.h"

void lm__sheet_init(struct lm_sheet *s)
{
	memset(s, 0, sizeof(*s));
	s->chars = (struct lm_strbuf)LM_STRBUF_INIT;
}

void lm__sheet_free(struct lm_sheet *s)
{
	if (!s)
		return;
	for (size_t c = 0; c < s->n_cols; c++) {
		free(s->cols[c].name);
		free(s->cols[c].label);
	}
	free(s->cols);
	for (size_t k = 0; k < s->n_labels; k++) {
		for (size_t i = 0; i < s->labels[k].n; i++)
			free(s->labels[k].text[i]);
		free(s->labels[k].text);
		free(s->labels[k].code);
		free(s->labels[k].name);
	}
	free(s->labels);
	free(s->num);
	free(s->text);
	free(s->row_num);
	free(s->row_text);
	lm__sb_free(&s->chars);
	lm__sheet_init(s);
}

size_t lm__sheet_add_labels(struct lm_sheet *s, const char *name, const double *code, const char *const *text,
			    size_t n)
{
	struct lm_sheet_labels *p = realloc(s->labels, (s->n_labels + 1) * sizeof(*p));
	if (!p) {
		s->failed = 1;
		return LM_NO_INDEX;
	}
	s->labels = p;
	struct lm_sheet_labels *l = &p[s->n_labels];
	memset(l, 0, sizeof(*l));
	l->name = lm__strdup(name);
	l->code = malloc((n + 1) * sizeof(*l->code));
	l->text = calloc(n + 1, sizeof(*l->text));
	s->n_labels++;
	if (!l->name || !l->code || !l->text) {
		s->failed = 1;
		return LM_NO_INDEX;
	}
	for (size_t i = 0; i < n; i++) {
		l->code[i] = code[i];
		if (!(l->text[i] = lm__strdup(text[i]))) {
			s->failed = 1;
			return LM_NO_INDEX;
		}
		l->n = i + 1;
	}
	return s->n_labels - 1;
}

size_t lm__sheet_add_bands(struct lm_sheet *s, const struct lm_scale *sc)
{
	double *code = malloc((sc->n_bands + 1) * sizeof(*code));
	const char **text = malloc((sc->n_bands + 1) * sizeof(*text));
	struct lm_strbuf name = LM_STRBUF_INIT;
	lm__sb_str(&name, sc->id);
	lm__sb_str(&name, "_band");
	size_t set = LM_NO_INDEX;
	if (code && text && !name.failed) {
		for (size_t b = 0; b < sc->n_bands; b++) {
			code[b] = (double)(b + 1);
			text[b] = sc->bands[b].label ? sc->bands[b].label : sc->bands[b].id;
		}
		set = lm__sheet_add_labels(s, name.s, code, text, sc->n_bands);
	} else {
		s->failed = 1;
	}
	free(code);
	free(text);
	lm__sb_free(&name);
	return set;
}

size_t lm__sheet_add_col(struct lm_sheet *s, const char *name, const char *label, int kind, size_t labels)
{
	struct lm_sheet_col *p = realloc(s->cols, (s->n_cols + 1) * sizeof(*p));
	if (!p) {
		s->failed = 1;
		return LM_NO_INDEX;
	}
	s->cols = p;
	struct lm_sheet_col *c = &p[s->n_cols++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->labels = labels;
	c->slot = kind == LM_SHEET_TEXT ? s->n_text++ : s->n_num++;
	c->name = lm__strdup(name);
	c->label = label ? lm__strdup(label) : NULL;
	if (!c->name || (label && !c->label)) {
		s->failed = 1;
		return LM_NO_INDEX;
	}
	return s->n_cols - 1;
}

/* The current row's buffers, made at its first value. */
static int row_ready(struct lm_sheet *s)
{
	if (s->failed)
		return 0;
	if (!s->row_num && !s->row_text) {
		s->row_num = malloc((s->n_num + 1) * sizeof(*s->row_num));
		s->row_text = malloc((s->n_text + 1) * sizeof(*s->row_text));
		if (!s->row_num || !s->row_text) {
			s->failed = 1;
			return 0;
		}
		for (size_t k = 0; k < s->n_num; k++)
			s->row_num[k] = NAN;
		for (size_t k = 0; k < s->n_text; k++)
			s->row_text[k][0] = 0, s->row_text[k][1] = SIZE_MAX;
	}
	return 1;
}

void lm__sheet_set_number(struct lm_sheet *s, size_t c, double v)
{
	if (c < s->n_cols && s->cols[c].kind != LM_SHEET_TEXT && row_ready(s))
		s->row_num[s->cols[c].slot] = v;
}

void lm__sheet_set_text(struct lm_sheet *s, size_t c, const char *text, size_t len)
{
	if (c >= s->n_cols || s->cols[c].kind != LM_SHEET_TEXT || !row_ready(s))
		return;
	if (!text) {
		s->row_text[s->cols[c].slot][1] = SIZE_MAX;
		return;
	}
	size_t off = s->chars.len;
	lm__sb_add(&s->chars, text, len);
	if (s->chars.failed) {
		s->failed = 1;
		return;
	}
	s->row_text[s->cols[c].slot][0] = off;
	s->row_text[s->cols[c].slot][1] = len;
	if (len > s->cols[c].width)
		s->cols[c].width = len;
}

int lm__sheet_end_row(struct lm_sheet *s)
{
	if (!row_ready(s))
		return LM_ENOMEM;
	if (s->rows == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		double *num = realloc(s->num, (cap * s->n_num + 1) * sizeof(*num));
		if (num)
			s->num = num;
		size_t(*text)[2] = realloc(s->text, (cap * s->n_text + 1) * sizeof(*text));
		if (text)
			s->text = text;
		if (!num || !text) {
			s->failed = 1;
			return LM_ENOMEM;
		}
		s->cap = cap;
	}
	memcpy(s->num + s->rows * s->n_num, s->row_num, s->n_num * sizeof(*s->num));
	memcpy(s->text + s->rows * s->n_text, s->row_text, s->n_text * sizeof(*s->text));
	s->rows++;
	for (size_t k = 0; k < s->n_num; k++)
		s->row_num[k] = NAN;
	for (size_t k = 0; k < s->n_text; k++)
		s->row_text[k][0] = 0, s->row_text[k][1] = SIZE_MAX;
	return LM_OK;
}

int lm__sheet_available(int format)
{
	switch (format) {
#ifdef LM_HAVE_XLSXWRITER
	case LM_SHEET_XLSX:
		return 1;
#endif
#ifdef LM_HAVE_READSTAT
	case LM_SHEET_SAV:
	case LM_SHEET_DTA:
		return 1;
#endif
	default:
		return 0;
	}
}

int lm__sheet_write(const struct lm_sheet *s, int format, struct lm_out *o, const char *name, lm_error *err)
{
	if (s->failed)
		return LM_ENOMEM;
	switch (format) {
#ifdef LM_HAVE_XLSXWRITER
	case LM_SHEET_XLSX:
		return lm__sheet_write_xlsx(s, o, name, err);
#endif
#ifdef LM_HAVE_READSTAT
	case LM_SHEET_SAV:
	case LM_SHEET_DTA:
		return lm__sheet_write_readstat(s, format, o, name, err);
#endif
	default:
		return lm__error(err, LM_EINVAL, name, 0, 0, "%s",
				 format == LM_SHEET_XLSX ? "Excel workbooks need libra_measures built with libxlsxwriter "
							   "(-Dxlsxwriter=enabled)"
							 : "SPSS and Stata files need libra_measures built with ReadStat "
							   "(-Dreadstat=enabled)");
	}
}
