/*
 * libra_measures — pre/post: the writers of an analysis — the whole of it as
 * one JSON document and one CSV row per pair — and the dispatch of every
 * format (the text summary is prepost-summary.c, the respondent table as a
 * workbook or statistics file prepost-sheet.c). The document's key names are
 * in prepost-keys.h, shared with the report.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output-priv.h"
#include "prepost-keys.h"
#include "prepost-priv.h"

/* ---- the key names (prepost-keys.h) ------------------------------------------------------ */

const struct lm__stat_key lm__prepost_stat_keys[LM__N_STATS] = {
	[LM_PREPOST_STAT_PRE_N] = {LM__KEY_PRE, "n"},
	[LM_PREPOST_STAT_PRE_MEAN] = {LM__KEY_PRE, "mean"},
	[LM_PREPOST_STAT_PRE_SD] = {LM__KEY_PRE, "sd"},
	[LM_PREPOST_STAT_POST_N] = {LM__KEY_POST, "n"},
	[LM_PREPOST_STAT_POST_MEAN] = {LM__KEY_POST, "mean"},
	[LM_PREPOST_STAT_POST_SD] = {LM__KEY_POST, "sd"},
	[LM_PREPOST_STAT_PRE_ALPHA] = {LM__KEY_PRE, "alpha"},
	[LM_PREPOST_STAT_PRE_ALPHA_N] = {LM__KEY_PRE, "alpha_n"},
	[LM_PREPOST_STAT_POST_ALPHA] = {LM__KEY_POST, "alpha"},
	[LM_PREPOST_STAT_POST_ALPHA_N] = {LM__KEY_POST, "alpha_n"},
	[LM_PREPOST_STAT_CHANGE_N] = {LM__KEY_CHANGE, "n"},
	[LM_PREPOST_STAT_CHANGE_MEAN] = {LM__KEY_CHANGE, "mean"},
	[LM_PREPOST_STAT_CHANGE_SD] = {LM__KEY_CHANGE, "sd"},
	[LM_PREPOST_STAT_CHANGE_CI_LOW] = {LM__KEY_CHANGE, LM__CI95},
	[LM_PREPOST_STAT_CHANGE_CI_HIGH] = {LM__KEY_CHANGE, LM__CI95},
	[LM_PREPOST_STAT_T] = {LM__KEY_CHANGE, "t"},
	[LM_PREPOST_STAT_DF] = {LM__KEY_CHANGE, "df"},
	[LM_PREPOST_STAT_P] = {LM__KEY_CHANGE, "p"},
	[LM_PREPOST_STAT_DZ] = {LM__KEY_CHANGE, "dz"},
	[LM_PREPOST_STAT_DAV] = {LM__KEY_CHANGE, "dav"},
	[LM_PREPOST_STAT_RCI_SD] = {LM__KEY_RCI, "sd_pre"},
	[LM_PREPOST_STAT_RCI_RELIABILITY] = {LM__KEY_RCI, "reliability"},
	[LM_PREPOST_STAT_RCI_SDIFF] = {LM__KEY_RCI, "sdiff"},
	[LM_PREPOST_STAT_IMPROVED] = {LM__KEY_RCI, "improved"},
	[LM_PREPOST_STAT_DETERIORATED] = {LM__KEY_RCI, "deteriorated"},
	[LM_PREPOST_STAT_UNCHANGED] = {LM__KEY_RCI, "unchanged"},
	[LM_PREPOST_STAT_RECOVERED] = {LM__KEY_RCI, "recovered"},
};

const char *const lm__prepost_count_keys[LM_PREPOST_COUNT_BLANK + 1] = {
	[LM_PREPOST_COUNT_PRE_ROWS] = "pre_rows",
	[LM_PREPOST_COUNT_POST_ROWS] = "post_rows",
	[LM_PREPOST_COUNT_PAIRS] = "pairs",
	[LM_PREPOST_COUNT_PRE_ONLY] = "pre_only",
	[LM_PREPOST_COUNT_POST_ONLY] = "post_only",
	[LM_PREPOST_COUNT_NO_ID] = "no_id",
	[LM_PREPOST_COUNT_DUPLICATE_ID] = "duplicate_id",
	[LM_PREPOST_COUNT_OTHER_WAVE] = "other_wave",
	[LM_PREPOST_COUNT_REJECTED] = "rejected",
	[LM_PREPOST_COUNT_BLANK] = "blank",
};

const char *const lm__prepost_compare_keys[LM__N_COMPARE] = {
	[LM_PREPOST_COMPARE_DIFFERENCE] = "difference",
	[LM_PREPOST_COMPARE_WELCH_T] = "welch_t",
	[LM_PREPOST_COMPARE_DF] = "df",
	[LM_PREPOST_COMPARE_P] = "p",
	[LM_PREPOST_COMPARE_HEDGES_G] = "hedges_g",
};

const char *const lm__prepost_flow_keys[LM__N_FLOW] = {
	[LM_PREPOST_FLOW_BASELINE_ROWS] = "baseline_rows",
	[LM_PREPOST_FLOW_WAVE_ROWS] = "wave_rows",
	[LM_PREPOST_FLOW_PAIRS] = "pairs",
};

const char *const lm__prepost_attrition_keys[LM__N_ATTRITION] = {
	[LM_PREPOST_ATTRITION_COMPLETERS_N] = "n",
	[LM_PREPOST_ATTRITION_COMPLETERS_MEAN] = "baseline_mean",
	[LM_PREPOST_ATTRITION_COMPLETERS_SD] = "baseline_sd",
	[LM_PREPOST_ATTRITION_DROPOUTS_N] = "n",
	[LM_PREPOST_ATTRITION_DROPOUTS_MEAN] = "baseline_mean",
	[LM_PREPOST_ATTRITION_DROPOUTS_SD] = "baseline_sd",
	[LM_PREPOST_ATTRITION_WELCH_T] = "welch_t",
	[LM_PREPOST_ATTRITION_DF] = "df",
	[LM_PREPOST_ATTRITION_P] = "p",
};

const char *const lm__prepost_pair_keys[LM__N_PAIR_KEYS] = LM__PAIR_KEYS;

/* ---- JSON ------------------------------------------------------------------------------- */

static void json_key(struct lm_out *o, const char *key, int first)
{
	if (!first)
		lm__out_put(o, ",", 1);
	lm__out_json_string(o, key, strlen(key));
	lm__out_put(o, ":", 1);
}

static void json_str(struct lm_out *o, const char *s)
{
	lm__out_json_string(o, s, s ? strlen(s) : 0);
}

/* "null_reasons": {KEY: why} for each of the n values that has a reason, if any. */
static void json_null_reasons(struct lm_out *o, const char *const *key, const char *const *why, size_t n)
{
	int any = 0;
	for (size_t i = 0; i < n; i++) {
		if (!why[i])
			continue;
		if (!any)
			json_key(o, LM__KEY_NULL_REASONS, 0), lm__out_put(o, "{", 1);
		json_key(o, key[i], !any);
		json_str(o, why[i]);
		any = 1;
	}
	if (any)
		lm__out_put(o, "}", 1);
}

/*
 * A section of statistics (@p which, in order), each a number or null under
 * its key (lm__prepost_stat_keys), then "null_reasons" naming why each null
 * is null. "ci95" stands for the pair [low, high]. The object is left open
 * for the caller to add to and close.
 */
#define MAX_FIELDS 9
static void json_stats(struct lm_out *o, const struct summary *s, const int *which, size_t n)
{
	const char *key[MAX_FIELDS], *why[MAX_FIELDS];
	lm__out_put(o, "{", 1);
	for (size_t i = 0; i < n; i++) {
		key[i] = lm__prepost_stat_keys[which[i]].key;
		why[i] = s->why[which[i]];
		json_key(o, key[i], i == 0);
		if (which[i] == LM_PREPOST_STAT_CHANGE_CI_LOW) {
			lm__out_put(o, "[", 1);
			lm__out_number(o, s->v[LM_PREPOST_STAT_CHANGE_CI_LOW]);
			lm__out_put(o, ",", 1);
			lm__out_number(o, s->v[LM_PREPOST_STAT_CHANGE_CI_HIGH]);
			lm__out_put(o, "]", 1);
		} else {
			lm__out_number(o, s->v[which[i]]);
		}
	}
	json_null_reasons(o, key, why, n);
}

static const int pre_fields[] = {LM_PREPOST_STAT_PRE_N, LM_PREPOST_STAT_PRE_MEAN, LM_PREPOST_STAT_PRE_SD, LM_PREPOST_STAT_PRE_ALPHA,
				 LM_PREPOST_STAT_PRE_ALPHA_N};
static const int post_fields[] = {LM_PREPOST_STAT_POST_N, LM_PREPOST_STAT_POST_MEAN, LM_PREPOST_STAT_POST_SD, LM_PREPOST_STAT_POST_ALPHA,
				  LM_PREPOST_STAT_POST_ALPHA_N};
static const int change_fields[] = {LM_PREPOST_STAT_CHANGE_N, LM_PREPOST_STAT_CHANGE_MEAN, LM_PREPOST_STAT_CHANGE_SD,
				    LM_PREPOST_STAT_CHANGE_CI_LOW, LM_PREPOST_STAT_T, LM_PREPOST_STAT_DF, LM_PREPOST_STAT_P, LM_PREPOST_STAT_DZ, LM_PREPOST_STAT_DAV};
static const int rci_fields[] = {LM_PREPOST_STAT_RCI_SD, LM_PREPOST_STAT_RCI_RELIABILITY, LM_PREPOST_STAT_RCI_SDIFF, LM_PREPOST_STAT_IMPROVED,
				 LM_PREPOST_STAT_DETERIORATED, LM_PREPOST_STAT_UNCHANGED, LM_PREPOST_STAT_RECOVERED};

static void json_change(struct lm_out *o, const struct summary *s)
{
	json_stats(o, s, change_fields, N_OF(change_fields));
	lm__out_put(o, "}", 1);
}

static void json_bands(const lm_prepost *pp, struct lm_out *o, size_t s)
{
	const struct lm_scale *scale = &pp->inst->scales[s];
	size_t ns = pp->inst->n_scales, nb = scale->n_bands;
	lm__out_put(o, "{", 1);
	for (int wave = 0; wave < 2; wave++) {
		json_key(o, wave ? LM__KEY_POST : LM__KEY_PRE, wave == 0);
		lm__out_put(o, "{", 1);
		for (size_t b = 0; b < nb; b++) {
			unsigned long n = 0;
			for (size_t i = 0; i < pp->n_pairs; i++) {
				size_t row = wave ? pp->post_row[i] : pp->pre_row[i];
				n += pp->w[wave].band[row * ns + s] == (signed char)b;
			}
			json_key(o, scale->bands[b].id, b == 0);
			lm__out_count(o, n);
		}
		lm__out_put(o, "}", 1);
	}
	/* Every pre x post combination, zeros included, so the table is complete. */
	json_key(o, LM__KEY_TRANSITIONS, 0);
	lm__out_put(o, "[", 1);
	for (size_t from = 0; from < nb; from++)
		for (size_t to = 0; to < nb; to++) {
			unsigned long n = 0;
			for (size_t i = 0; i < pp->n_pairs; i++)
				n += pp->w[0].band[pp->pre_row[i] * ns + s] == (signed char)from &&
				     pp->w[1].band[pp->post_row[i] * ns + s] == (signed char)to;
			lm__out_put(o, from || to ? ",{" : "{", from || to ? 2 : 1);
			json_key(o, LM__KEY_FROM, 1);
			json_str(o, scale->bands[from].id);
			json_key(o, LM__KEY_TO, 0);
			json_str(o, scale->bands[to].id);
			json_key(o, LM__KEY_N, 0);
			lm__out_count(o, n);
			lm__out_put(o, "}", 1);
		}
	lm__out_put(o, "]}", 2);
}

static void json_groups(const lm_prepost *pp, struct lm_out *o, size_t s, int trial)
{
	size_t ng = pp->groups.n;
	lm__out_put(o, "{", 1);
	for (size_t g = 0; g < ng; g++) {
		const struct summary *sum = summary_at(pp, s, g + 1);
		json_key(o, lm__names_get(&pp->groups, g), g == 0);
		lm__out_put(o, "{", 1);
		json_key(o, LM__KEY_N, 1);
		lm__out_number(o, sum->v[LM_PREPOST_STAT_CHANGE_N]);
		json_key(o, LM__KEY_CHANGE, 0);
		json_change(o, sum);
		lm__out_put(o, "}", 1);
	}
	json_key(o, LM__KEY_COMPARISON, ng == 0);
	lm__out_put(o, "{", 1);
	json_key(o, LM__KEY_GROUPS, 1);
	lm__out_put(o, "[", 1);
	for (size_t g = 0; g < ng && g < 2; g++) {
		if (g)
			lm__out_put(o, ",", 1);
		json_str(o, lm__names_get(&pp->groups, g));
	}
	lm__out_put(o, "]", 1);
	const double *v = compare_values(pp, s);
	for (int k = 0; k < LM__N_COMPARE; k++) {
		json_key(o, lm__prepost_compare_keys[k], 0);
		lm__out_number(o, v[k]);
	}
	json_null_reasons(o, lm__prepost_compare_keys, compare_reasons(pp, s), LM__N_COMPARE);
	lm__out_put(o, "}", 1);
	if (trial)
		lm__prepost_json_ancova(pp, o, s);
	lm__out_put(o, "}", 1);
}

/* A respondent's results on one scale: lm__prepost_pair_keys. */
static void json_pair(const lm_prepost *pp, struct lm_out *o, size_t i, size_t s)
{
	const struct lm_scale *scale = &pp->inst->scales[s];
	double a = lm_prepost_respondent_score(pp, i, s, 0), b = lm_prepost_respondent_score(pp, i, s, 1);
	struct change c = pair_change(pp, i, s);
	const double num[] = {a, b, b - a, c.rci};
	const char *text[] = {lm_reliable_name(c.reliable), lm_category_name(c.category),
			      lm__band_id(scale, lm_prepost_respondent_band(pp, i, s, 0)),
			      lm__band_id(scale, lm_prepost_respondent_band(pp, i, s, 1))};
	lm__out_put(o, "{", 1);
	for (size_t k = 0; k < LM__N_PAIR_KEYS; k++) {
		json_key(o, lm__prepost_pair_keys[k], k == 0);
		if (k < 4)
			lm__out_number(o, num[k]);
		else
			json_str(o, text[k - 4]);
	}
	lm__out_put(o, "}", 1);
}

/* Counts as {KEY: n, ...}. */
static void json_counts_of(struct lm_out *o, const char *const *keys, const unsigned long *n, size_t count)
{
	lm__out_put(o, "{", 1);
	for (size_t k = 0; k < count; k++) {
		json_key(o, keys[k], k == 0);
		lm__out_count(o, n[k]);
	}
	lm__out_put(o, "}", 1);
}

/* "counts"; with a later wave @p L of a run with waves, and groups, "by_group" too. */
static void json_counts(const lm_prepost *pp, struct lm_out *o, const struct later_wave *L, int first)
{
	json_key(o, LM__KEY_COUNTS, first);
	lm__out_put(o, "{", 1);
	for (int k = 0; k <= LM_PREPOST_COUNT_OTHER_WAVE; k++) {
		json_key(o, lm__prepost_count_keys[k], k == 0);
		lm__out_count(o, pp->counts[k]);
	}
	if (L && L->flow) {
		json_key(o, LM__KEY_BY_GROUP, 0);
		lm__out_put(o, "{", 1);
		for (size_t g = 0; g < pp->groups.n; g++) {
			json_key(o, lm__names_get(&pp->groups, g), g == 0);
			json_counts_of(o, lm__prepost_flow_keys, &L->flow[(g + 1) * LM__N_FLOW], LM__N_FLOW);
		}
		lm__out_put(o, "}", 1);
	}
	lm__out_put(o, "}", 1);
}

/* Attrition statistics @p from .. @p to - 1 of @p a, with the reasons of their nulls; the object is left open. */
static void json_attrition_part(struct lm_out *o, const struct attrition *a, int from, int to, int first)
{
	for (int k = from; k < to; k++) {
		json_key(o, lm__prepost_attrition_keys[k], first && k == from);
		lm__out_number(o, a->v[k]);
	}
	json_null_reasons(o, &lm__prepost_attrition_keys[from], &a->why[from], (size_t)(to - from));
}

/* A scale's "attrition" at a later wave. */
static void json_attrition(const lm_prepost *pp, struct lm_out *o, const struct later_wave *L, size_t s)
{
	const struct attrition *a = &L->attr[s];
	json_key(o, LM__KEY_ATTRITION, 0);
	lm__out_put(o, "{", 1);
	json_key(o, LM__KEY_COMPLETERS, 1);
	lm__out_put(o, "{", 1);
	json_attrition_part(o, a, LM_PREPOST_ATTRITION_COMPLETERS_N, LM_PREPOST_ATTRITION_DROPOUTS_N, 1);
	lm__out_put(o, "}", 1);
	json_key(o, LM__KEY_DROPOUTS, 0);
	lm__out_put(o, "{", 1);
	json_attrition_part(o, a, LM_PREPOST_ATTRITION_DROPOUTS_N, LM_PREPOST_ATTRITION_WELCH_T, 1);
	lm__out_put(o, "}", 1);
	json_attrition_part(o, a, LM_PREPOST_ATTRITION_WELCH_T, LM__N_ATTRITION, 0);
	if (pp->group_column) {
		size_t ng = pp->groups.n;
		static const char *const keys[2] = {LM__KEY_COMPLETERS, LM__KEY_DROPOUTS};
		json_key(o, LM__KEY_GROUPS, 0);
		lm__out_put(o, "{", 1);
		for (size_t g = 0; g < ng; g++) {
			json_key(o, lm__names_get(&pp->groups, g), g == 0);
			json_counts_of(o, keys, &L->attr_group[(s * (ng + 1) + g + 1) * 2], 2);
		}
		lm__out_put(o, "}", 1);
	}
	lm__out_put(o, "}", 1);
}

/* "scales"; with a later wave @p L of a run with waves, each with the trial's numbers too. */
static void json_scales(const lm_prepost *pp, struct lm_out *o, const struct later_wave *L)
{
	const struct lm_instrument *inst = pp->inst;
	size_t ns = inst->n_scales;
	json_key(o, LM__KEY_SCALES, 0);
	lm__out_put(o, "{", 1);
	for (size_t s = 0; s < ns; s++) {
		const struct lm_scale *scale = &inst->scales[s];
		const struct summary *all = summary_at(pp, s, 0);
		json_key(o, scale->id, s == 0);
		lm__out_put(o, "{", 1);
		json_key(o, LM__KEY_PRE, 1);
		json_stats(o, all, pre_fields, N_OF(pre_fields));
		lm__out_put(o, "}", 1);
		json_key(o, LM__KEY_POST, 0);
		json_stats(o, all, post_fields, N_OF(post_fields));
		lm__out_put(o, "}", 1);
		json_key(o, LM__KEY_CHANGE, 0);
		json_change(o, all);
		json_key(o, LM__KEY_RCI, 0);
		/* The sources sit beside the numbers they explain. */
		json_stats(o, all, rci_fields, N_OF(rci_fields));
		json_key(o, LM__KEY_RELIABILITY_SOURCE, 0);
		json_str(o, reliability_source_name(pp->rel_source[s]));
		json_key(o, LM__KEY_SD_SOURCE, 0);
		json_str(o, isnan(pp->rci_sd) ? "sd_pre" : "override");
		lm__out_put(o, "}", 1);
		if (!isnan(scale->cutoff)) {
			json_key(o, LM__KEY_CLINICAL_CUTOFF, 0);
			lm__out_number(o, scale->cutoff);
		}
		if (scale->n_bands) {
			json_key(o, LM__KEY_BANDS, 0);
			json_bands(pp, o, s);
		}
		if (pp->group_column) {
			json_key(o, LM__KEY_GROUPS, 0);
			json_groups(pp, o, s, L != NULL);
		}
		if (L) {
			json_attrition(pp, o, L, s);
			if (pp->cluster_column)
				lm__prepost_json_icc_baseline(pp, o, s);
		}
		lm__out_put(o, "}", 1);
	}
	lm__out_put(o, "}", 1);
}

/* "respondents": one object per pair, each on a line of its own. */
static void json_respondents(const lm_prepost *pp, struct lm_out *o)
{
	const struct lm_instrument *inst = pp->inst;
	size_t ns = inst->n_scales;
	json_key(o, LM__KEY_RESPONDENTS, 0);
	lm__out_put(o, "[", 1);
	for (size_t i = 0; i < pp->n_pairs; i++) {
		lm__out_put(o, i ? ",\n{" : "\n{", i ? 3 : 2);
		json_key(o, LM__KEY_ID, 1);
		json_str(o, lm_prepost_respondent_id(pp, i));
		json_key(o, LM__KEY_GROUP, 0);
		json_str(o, lm_prepost_respondent_group(pp, i));
		json_key(o, LM__KEY_SCALES, 0);
		lm__out_put(o, "{", 1);
		for (size_t s = 0; s < ns; s++) {
			json_key(o, inst->scales[s].id, s == 0);
			json_pair(pp, o, i, s);
		}
		lm__out_put(o, "}}", 2);
	}
	lm__out_str(o, "\n]");
}

/* A run with waves: "waves", "baseline", and "by_wave" with each later wave's two-wave members. */
static void write_json_waves(const lm_prepost *pp, struct lm_out *o)
{
	json_key(o, LM__KEY_WAVES, 0);
	lm__out_put(o, "[", 1);
	for (size_t k = 0; k < pp->n_waves; k++) {
		if (k)
			lm__out_put(o, ",", 1);
		json_str(o, pp->run_names[k]);
	}
	lm__out_put(o, "]", 1);
	json_key(o, LM__KEY_BASELINE, 0);
	json_str(o, pp->run_names[0]);
	json_key(o, LM__KEY_BY_WAVE, 0);
	lm__out_put(o, "{", 1);
	for (size_t k = 1; k < pp->n_waves; k++) {
		lm_prepost v;
		lm__prepost_view(pp, k, &v);
		json_key(o, pp->run_names[k], k == 1);
		lm__out_put(o, "{", 1);
		json_counts(&v, o, &pp->later[k - 1], 1);
		json_scales(&v, o, &pp->later[k - 1]);
		json_respondents(&v, o);
		lm__out_put(o, "}", 1);
	}
	lm__out_put(o, "}", 1);
}

static void write_json(const lm_prepost *pp, struct lm_out *o)
{
	const struct lm_instrument *inst = pp->inst;
	lm__out_put(o, "{", 1);
	json_key(o, LM__KEY_INSTRUMENT, 1);
	json_str(o, inst->id);
	json_key(o, LM__KEY_LIBRARY_VERSION, 0);
	json_str(o, LM_VERSION_STRING);
	if (pp->later) {
		write_json_waves(pp, o);
		lm__out_str(o, "}\n");
		return;
	}
	json_counts(pp, o, NULL, 0);
	json_scales(pp, o, NULL);
	json_respondents(pp, o);
	lm__out_str(o, "}\n");
}

/* ---- CSV -------------------------------------------------------------------------------- */

static void csv_text(struct lm_out *o, const char *s)
{
	lm__out_csv_text(o, s ? s : "", s ? strlen(s) : 0, ',');
}

/* ",TEXT" for text that needs no quoting, or "," for NULL. */
static void put_field(struct lm_out *o, const char *text)
{
	size_t n = text ? strlen(text) : 0;
	char *p = lm__out_room(o, n + 1);
	*p = ',';
	if (n)
		memcpy(p + 1, text, n);
	lm__out_commit_room(o, p + 1 + n);
}

/* One row per pair of @p pp (a two-wave run, or the view of a later wave named @p wave).
 * Returns LM_OK or LM_ENOMEM. */
static int csv_rows(const lm_prepost *pp, struct lm_out *o, const char *wave);

static int write_csv(const lm_prepost *pp, struct lm_out *o)
{
	const struct lm_instrument *inst = pp->inst;
	/* The columns are named as the JSON document's keys. */
	lm__out_str(o, LM__KEY_ID);
	if (pp->later)
		lm__out_str(o, "," LM__KEY_WAVE);
	if (pp->group_column)
		lm__out_str(o, "," LM__KEY_GROUP);
	for (size_t k = 0; k < pp->n_kept; k++) {
		lm__out_put(o, ",", 1);
		csv_text(o, pp->kept[k]);
	}
	for (size_t s = 0; s < inst->n_scales; s++)
		for (size_t c = 0; c < LM__N_PAIR_KEYS; c++) {
			if (c >= 6 && !inst->scales[s].n_bands)
				continue;
			lm__out_put(o, ",", 1);
			lm__out_str(o, inst->scales[s].id);
			lm__out_put(o, "_", 1);
			lm__out_str(o, lm__prepost_pair_keys[c]);
		}
	lm__out_put(o, "\n", 1);
	if (!pp->later)
		return csv_rows(pp, o, NULL);
	/* With waves: the pairs of each later wave in turn, the wave named in its column. */
	for (size_t k = 1; k < pp->n_waves; k++) {
		lm_prepost v;
		lm__prepost_view(pp, k, &v);
		int rc = csv_rows(&v, o, pp->run_names[k]);
		if (rc != LM_OK)
			return rc;
	}
	return LM_OK;
}

/*
 * ",CHANGE,RCI" of a pair as the rows write it: the RCI is CHANGE / S_diff,
 * so both texts depend on the change alone (and the scale). Returns the end.
 */
static char *put_change(char *p, double d, double rci)
{
	*p++ = ',';
	if (isfinite(d))
		p = lm__put_number(p, d);
	*p++ = ',';
	if (isfinite(rci))
		p = lm__put_number(p, rci);
	return p;
}

/*
 * The texts of put_change() for the whole changes -MEMO_HALF .. MEMO_HALF - 1
 * of each scale, each made on first use. With whole scores (sums of item
 * values) a scale has a few dozen changes for any number of pairs, and the
 * RCI's shortest round-trip digits were most of the time of writing a row:
 * a copy is the same bytes for a fraction of it.
 */
#define MEMO_HALF 256
struct change_text {
	unsigned char len; /* 0 until made */
	char s[2 * (1 + LM_NUMBER_MAX)];
};

/* The memo entry of change @p d on scale @p s, or NULL when d is not a whole change in range. */
static struct change_text *change_memo(struct change_text *memo, size_t s, double d)
{
	/* -0 (a change of two -0 scores, say) writes as 0 too, but is kept out
	 * rather than relied on; NaN fails both comparisons. */
	if (!memo || !(d >= -MEMO_HALF && d < MEMO_HALF) || (d == 0 && signbit(d)))
		return NULL;
	int k = (int)d;
	if ((double)k != d)
		return NULL;
	return &memo[s * 2 * MEMO_HALF + (size_t)(k + MEMO_HALF)];
}

static int csv_rows(const lm_prepost *pp, struct lm_out *o, const char *wave)
{
	const struct lm_instrument *inst = pp->inst;
	size_t ns = inst->n_scales;
	if (!pp->n_pairs)
		return LM_OK;
	struct change_text *memo = calloc(ns * 2 * MEMO_HALF, sizeof(*memo));
	if (!memo)
		return LM_ENOMEM;
	for (size_t i = 0; i < pp->n_pairs; i++) {
		size_t pre = (size_t)pp->pre_row[i] * ns, post = (size_t)pp->post_row[i] * ns;
		csv_text(o, pp->w[0].text.s + pp->w[0].id[pp->pre_row[i]]);
		if (wave) {
			lm__out_put_inline(o, ",", 1);
			csv_text(o, wave);
		}
		if (pp->group_column) {
			lm__out_put_inline(o, ",", 1);
			csv_text(o, lm_prepost_respondent_group(pp, i));
		}
		for (size_t k = 0; k < pp->n_kept; k++) {
			lm__out_put_inline(o, ",", 1);
			csv_text(o, pp->w[0].kept_text.s + pp->w[0].kept[(size_t)pp->pre_row[i] * pp->n_kept + k]);
		}
		for (size_t s = 0; s < ns; s++) {
			const struct lm_scale *scale = &inst->scales[s];
			double a = score_at(&pp->w[0], pre + s), b = score_at(&pp->w[1], post + s);
			struct change c = change_of(scale, a, b, pp->sdiff[s]);
			/* Straight into the output buffer: this runs for every scale of every pair. */
			char *p = lm__out_room(o, 4 * (1 + LM_NUMBER_MAX));
			*p++ = ',';
			if (isfinite(a))
				p = lm__put_number(p, a);
			*p++ = ',';
			if (isfinite(b))
				p = lm__put_number(p, b);
			/* The same expression as change_of()'s RCI, so the same double. */
			double d = b - a;
			struct change_text *m = change_memo(memo, s, d);
			if (m) {
				if (!m->len)
					m->len = (unsigned char)(put_change(m->s, d, c.rci) - m->s);
				/* The whole entry fits the room left: a fixed-size copy is cheaper. */
				memcpy(p, m->s, sizeof(m->s));
				p += m->len;
			} else {
				p = put_change(p, d, c.rci);
			}
			lm__out_commit_room(o, p);
			/* The names are constants and band ids are ids (letters, digits, '_',
			 * '.', '-'): no quoting or formula guard is needed. */
			put_field(o, lm_reliable_name(c.reliable));
			put_field(o, lm_category_name(c.category));
			if (scale->n_bands) {
				put_field(o, lm__band_id(scale, pp->w[0].band[pre + s]));
				put_field(o, lm__band_id(scale, pp->w[1].band[post + s]));
			}
		}
		lm__out_put_inline(o, "\n", 1);
	}
	free(memo);
	return LM_OK;
}

/* Write, then commit, or (with @p set) stage for the set's commit. */
static int write_to(const lm_prepost *pp, int format, struct lm_out *o, lm_outputs *set, lm_error *err)
{
	int rc = LM_OK;
	if (format == LM_PREPOST_JSON)
		write_json(pp, o);
	else if (format == LM_PREPOST_CSV)
		rc = write_csv(pp, o) == LM_OK ? LM_OK : lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	else if (format == LM_PREPOST_SUMMARY)
		lm__prepost_write_summary(pp, o);
	else /* Excel, SPSS, Stata: the respondent table made whole (prepost-sheet.c). */
		rc = lm__prepost_write_sheet(pp, format, o, err);
	if (rc != LM_OK && !o->write_errno) {
		lm__out_free(o);
		if (set)
			lm__outputs_fail(set);
		return rc;
	}
	if (set)
		return lm__outputs_stage(set, o, err);
	rc = lm__out_commit(o, err);
	lm__out_free(o);
	return rc;
}

static int check_write(const lm_prepost *pp, int format, lm_error *err)
{
	if (!pp || !pp->done)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "nothing to write: the analysis has not run");
	if (format < LM_PREPOST_JSON || format > LM_PREPOST_DTA)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "unknown output format %d", format);
	if (format >= LM_PREPOST_XLSX && !lm_prepost_format_available(format))
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "%s",
				 format == LM_PREPOST_XLSX ? "Excel workbooks need libra_measures built with libxlsxwriter "
							     "(-Dxlsxwriter=enabled)"
							   : "SPSS and Stata files need libra_measures built with ReadStat "
							     "(-Dreadstat=enabled)");
	return LM_OK;
}

static int write_file(const lm_prepost *pp, int format, const char *path, lm_outputs *set, lm_error *err)
{
	struct lm_out *o;
	int rc = check_write(pp, format, err);
	if (rc == LM_OK && !path)
		rc = lm__error(err, LM_EINVAL, NULL, 0, 0, "no output path");
	if (rc == LM_OK)
		rc = lm__out_open_file(&o, path, err);
	return rc == LM_OK ? write_to(pp, format, o, set, err) : rc;
}

static int write_fd(const lm_prepost *pp, int format, int fd, lm_outputs *set, lm_error *err)
{
	struct lm_out *o;
	int rc = check_write(pp, format, err);
	if (rc == LM_OK)
		rc = lm__out_open_fd(&o, fd, err);
	return rc == LM_OK ? write_to(pp, format, o, set, err) : rc;
}

int lm_prepost_write_file(const lm_prepost *pp, int format, const char *path, lm_error *err)
{
	return write_file(pp, format, path, NULL, err);
}

int lm_prepost_write_fd(const lm_prepost *pp, int format, int fd, lm_error *err)
{
	return write_fd(pp, format, fd, NULL, err);
}

int lm_prepost_stage_file(const lm_prepost *pp, int format, const char *path, lm_outputs *set, lm_error *err)
{
	return set ? write_file(pp, format, path, set, err) : LM_EINVAL;
}

int lm_prepost_stage_fd(const lm_prepost *pp, int format, int fd, lm_outputs *set, lm_error *err)
{
	return set ? write_fd(pp, format, fd, set, err) : LM_EINVAL;
}
