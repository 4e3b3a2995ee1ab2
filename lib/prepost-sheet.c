/*
 * libra_measures — pre/post: the respondent table (the CSV's rows and
 * columns) as an Excel workbook, an SPSS system file or a Stata file,
 * through the result table of sheet.c: scores, change and RCI numeric
 * (missing as system-missing), reliable change, category and bands as codes
 * with value labels, carried columns as text.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output-priv.h"
#include "prepost-keys.h"
#include "prepost-priv.h"

/* The column suffixes of a pair's results (prepost-write.c defines the array and depends on this module). */
static const char *const pair_keys[LM__N_PAIR_KEYS] = LM__PAIR_KEYS;
#include "sheet-priv.h"

int lm_prepost_format_available(int format)
{
	if (format == LM_PREPOST_JSON || format == LM_PREPOST_CSV || format == LM_PREPOST_SUMMARY)
		return 1;
	if (format < LM_PREPOST_XLSX || format > LM_PREPOST_DTA)
		return 0;
	return lm__sheet_available(LM_SHEET_XLSX + (format - LM_PREPOST_XLSX));
}

/* The labels of an lm_reliable or lm_category, by their codes. */
static size_t name_labels(struct lm_sheet *sh, const char *set, const char *(*name)(int), int first, int last)
{
	double code[8];
	const char *text[8];
	size_t n = 0;
	for (int v = first; v <= last && n < 8; v++, n++) {
		code[n] = v;
		text[n] = name(v);
	}
	return lm__sheet_add_labels(sh, set, code, text, n);
}

/* The sheet's columns, as write_csv() names them; the first of each scale's into @p first. */
static int columns(const lm_prepost *pp, struct lm_sheet *sh, size_t *first, size_t *wave_col)
{
	const struct lm_instrument *inst = pp->inst;
	static const char *const what[LM__N_PAIR_KEYS] = {
		": pre score", ": post score", ": change (post - pre)", ": reliable change index",
		": reliable change", ": clinical significance", ": band at pre", ": band at post"};
	size_t rel = name_labels(sh, "reliable", lm_reliable_name, LM_RELIABLE_NONE, LM_RELIABLE_DETERIORATED);
	size_t cat = name_labels(sh, "category", lm_category_name, LM_CATEGORY_RECOVERED, LM_CATEGORY_DETERIORATED);
	lm__sheet_add_col(sh, LM__KEY_ID, "respondent id", LM_SHEET_TEXT, LM_NO_INDEX);
	*wave_col = LM_NO_INDEX;
	if (pp->later)
		*wave_col = lm__sheet_add_col(sh, LM__KEY_WAVE, "wave compared with the baseline", LM_SHEET_TEXT,
					      LM_NO_INDEX);
	if (pp->group_column)
		lm__sheet_add_col(sh, LM__KEY_GROUP, pp->group_column, LM_SHEET_TEXT, LM_NO_INDEX);
	for (size_t k = 0; k < pp->n_kept; k++)
		lm__sheet_add_col(sh, pp->kept[k], NULL, LM_SHEET_TEXT, LM_NO_INDEX);
	struct lm_strbuf name = LM_STRBUF_INIT, label = LM_STRBUF_INIT;
	for (size_t s = 0; s < inst->n_scales && !sh->failed; s++) {
		const struct lm_scale *sc = &inst->scales[s];
		size_t bands = sc->n_bands ? lm__sheet_add_bands(sh, sc) : LM_NO_INDEX;
		first[s] = sh->n_cols;
		for (size_t c = 0; c < LM__N_PAIR_KEYS; c++) {
			if (c >= 6 && !sc->n_bands)
				continue;
			name.len = label.len = 0;
			lm__sb_str(&name, sc->id);
			lm__sb_str(&name, "_");
			lm__sb_str(&name, pair_keys[c]);
			lm__sb_str(&label, sc->label ? sc->label : sc->id);
			lm__sb_str(&label, what[c]);
			if (name.failed || label.failed) {
				sh->failed = 1;
				break;
			}
			lm__sheet_add_col(sh, name.s, label.s, c < 4 ? LM_SHEET_NUMBER : LM_SHEET_CODE,
					  c == 4 ? rel : c == 5 ? cat : bands);
		}
	}
	lm__sb_free(&name);
	lm__sb_free(&label);
	return sh->failed ? LM_ENOMEM : LM_OK;
}

/* One row per pair of @p pp (a two-wave run, or the view of a later wave named @p wave). */
static int rows(const lm_prepost *pp, struct lm_sheet *sh, const size_t *first, size_t wave_col, const char *wave)
{
	const struct lm_instrument *inst = pp->inst;
	size_t ns = inst->n_scales;
	for (size_t i = 0; i < pp->n_pairs; i++) {
		size_t pre = (size_t)pp->pre_row[i] * ns, post = (size_t)pp->post_row[i] * ns, c = 0;
		const char *id = pp->w[0].text.s + pp->w[0].id[pp->pre_row[i]];
		lm__sheet_set_text(sh, c++, id, strlen(id));
		if (wave_col != LM_NO_INDEX)
			lm__sheet_set_text(sh, c++, wave, strlen(wave));
		if (pp->group_column) {
			const char *g = lm_prepost_respondent_group(pp, i);
			lm__sheet_set_text(sh, c++, g ? g : "", g ? strlen(g) : 0);
		}
		for (size_t k = 0; k < pp->n_kept; k++) {
			const char *v = pp->w[0].kept_text.s + pp->w[0].kept[(size_t)pp->pre_row[i] * pp->n_kept + k];
			lm__sheet_set_text(sh, c++, v, strlen(v));
		}
		for (size_t s = 0; s < ns; s++) {
			const struct lm_scale *scale = &inst->scales[s];
			double a = score_at(&pp->w[0], pre + s), b = score_at(&pp->w[1], post + s);
			struct change ch = change_of(scale, a, b, pp->sdiff[s]);
			double v[4] = {a, b, b - a, ch.rci};
			c = first[s];
			for (int k = 0; k < 4; k++)
				lm__sheet_set_number(sh, c++, isfinite(v[k]) ? v[k] : NAN);
			lm__sheet_set_number(sh, c++, ch.reliable == LM_RELIABLE_UNKNOWN ? NAN : ch.reliable);
			lm__sheet_set_number(sh, c++, ch.category == LM_CATEGORY_UNKNOWN ? NAN : ch.category);
			if (scale->n_bands) {
				int bp = pp->w[0].band[pre + s], bq = pp->w[1].band[post + s];
				lm__sheet_set_number(sh, c++, bp >= 0 && (size_t)bp < scale->n_bands ? bp + 1 : NAN);
				lm__sheet_set_number(sh, c++, bq >= 0 && (size_t)bq < scale->n_bands ? bq + 1 : NAN);
			}
		}
		if (lm__sheet_end_row(sh) != LM_OK)
			return LM_ENOMEM;
	}
	return LM_OK;
}

int lm__prepost_write_sheet(const lm_prepost *pp, int format, struct lm_out *o, lm_error *err)
{
	struct lm_sheet sh;
	lm__sheet_init(&sh);
	size_t *first = calloc(pp->inst->n_scales + 1, sizeof(*first)), wave_col;
	int rc = first ? columns(pp, &sh, first, &wave_col) : LM_ENOMEM;
	if (rc == LM_OK && !pp->later) {
		rc = rows(pp, &sh, first, wave_col, NULL);
	} else if (rc == LM_OK) {
		/* With waves: the pairs of each later wave in turn, the wave named in its column. */
		for (size_t k = 1; k < pp->n_waves && rc == LM_OK; k++) {
			lm_prepost v;
			lm__prepost_view(pp, k, &v);
			rc = rows(&v, &sh, first, wave_col, pp->run_names[k]);
		}
	}
	if (rc == LM_OK)
		rc = lm__sheet_write(&sh, LM_SHEET_XLSX + (format - LM_PREPOST_XLSX), o, o->path ? o->path : "<output>",
				     err);
	if (rc == LM_ENOMEM)
		lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	free(first);
	lm__sheet_free(&sh);
	return rc;
}
