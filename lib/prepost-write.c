/*
 * libra_measures — pre/post: the writers of an analysis — the whole of it as
 * one JSON document, one CSV row per pair, and a readable text summary.
 */
#include <math.h>
#include <string.h>

#include "output-priv.h"
#include "prepost-priv.h"

/* ---- writing ---------------------------------------------------------------------------- */

static const char *band_id(const struct lm_scale *s, long b)
{
	return b >= 0 && (size_t)b < s->n_bands ? s->bands[b].id : NULL;
}

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

/*
 * A group of statistics, each a number or null, then "null_reasons" naming
 * why each null is null. "ci95" stands for the pair [low, high]. The object
 * is left open for the caller to add to and close.
 */
struct field {
	const char *key;
	int which;
};

static void json_stats(struct lm_out *o, const struct summary *s, const struct field *f, size_t n)
{
	lm__out_put(o, "{", 1);
	for (size_t i = 0; i < n; i++) {
		json_key(o, f[i].key, i == 0);
		if (f[i].which == LM_STAT_CHANGE_CI_LOW) {
			lm__out_put(o, "[", 1);
			lm__out_number(o, s->v[LM_STAT_CHANGE_CI_LOW]);
			lm__out_put(o, ",", 1);
			lm__out_number(o, s->v[LM_STAT_CHANGE_CI_HIGH]);
			lm__out_put(o, "]", 1);
		} else {
			lm__out_number(o, s->v[f[i].which]);
		}
	}
	int any = 0;
	for (size_t i = 0; i < n; i++) {
		if (!s->why[f[i].which])
			continue;
		if (!any)
			json_key(o, "null_reasons", 0), lm__out_put(o, "{", 1);
		json_key(o, f[i].key, !any);
		json_str(o, s->why[f[i].which]);
		any = 1;
	}
	if (any)
		lm__out_put(o, "}", 1);
}

static const struct field change_fields[] = {
	{"n", LM_STAT_CHANGE_N}, {"mean", LM_STAT_CHANGE_MEAN}, {"sd", LM_STAT_CHANGE_SD},
	{"ci95", LM_STAT_CHANGE_CI_LOW}, {"t", LM_STAT_T}, {"df", LM_STAT_DF},
	{"p", LM_STAT_P}, {"dz", LM_STAT_DZ}, {"dav", LM_STAT_DAV},
};

static void json_change(struct lm_out *o, const struct summary *s)
{
	json_stats(o, s, change_fields, sizeof(change_fields) / sizeof(change_fields[0]));
	lm__out_put(o, "}", 1);
}

static const char *source_name(int source)
{
	switch (source) {
	case LM_RELIABILITY_OVERRIDE: return "override";
	case LM_RELIABILITY_NORMS: return "norms";
	case LM_RELIABILITY_ALPHA_PRE: return "alpha_pre";
	default: return NULL;
	}
}

static void json_bands(const lm_prepost *pp, struct lm_out *o, size_t s)
{
	const struct lm_scale *scale = &pp->inst->scales[s];
	size_t ns = pp->inst->n_scales, nb = scale->n_bands;
	lm__out_put(o, "{", 1);
	for (int wave = 0; wave < 2; wave++) {
		json_key(o, wave ? "post" : "pre", wave == 0);
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
	json_key(o, "transitions", 0);
	lm__out_put(o, "[", 1);
	for (size_t from = 0; from < nb; from++)
		for (size_t to = 0; to < nb; to++) {
			unsigned long n = 0;
			for (size_t i = 0; i < pp->n_pairs; i++)
				n += pp->w[0].band[pp->pre_row[i] * ns + s] == (signed char)from &&
				     pp->w[1].band[pp->post_row[i] * ns + s] == (signed char)to;
			lm__out_put(o, from || to ? ",{" : "{", from || to ? 2 : 1);
			json_key(o, "from", 1);
			json_str(o, scale->bands[from].id);
			json_key(o, "to", 0);
			json_str(o, scale->bands[to].id);
			json_key(o, "n", 0);
			lm__out_count(o, n);
			lm__out_put(o, "}", 1);
		}
	lm__out_put(o, "]}", 2);
}

static void json_groups(const lm_prepost *pp, struct lm_out *o, size_t s)
{
	size_t ng = pp->groups.n;
	lm__out_put(o, "{", 1);
	for (size_t g = 0; g < ng; g++) {
		const struct summary *sum = summary_at(pp, s, g + 1);
		json_key(o, lm__names_get(&pp->groups, g), g == 0);
		lm__out_put(o, "{", 1);
		json_key(o, "n", 1);
		lm__out_number(o, sum->v[LM_STAT_CHANGE_N]);
		json_key(o, "change", 0);
		json_change(o, sum);
		lm__out_put(o, "}", 1);
	}
	json_key(o, "comparison", ng == 0);
	lm__out_put(o, "{", 1);
	json_key(o, "groups", 1);
	lm__out_put(o, "[", 1);
	for (size_t g = 0; g < ng && g < 2; g++) {
		if (g)
			lm__out_put(o, ",", 1);
		json_str(o, lm__names_get(&pp->groups, g));
	}
	lm__out_put(o, "]", 1);
	static const char *const keys[] = {"difference", "welch_t", "df", "p", "hedges_g"};
	const double *v = compare_values(pp, s);
	const char *const *why = compare_reasons(pp, s);
	for (int k = 0; k < 5; k++) {
		json_key(o, keys[k], 0);
		lm__out_number(o, v[k]);
	}
	int any = 0;
	for (int k = 0; k < 5; k++) {
		if (!why[k])
			continue;
		if (!any)
			json_key(o, "null_reasons", 0), lm__out_put(o, "{", 1);
		json_key(o, keys[k], !any);
		json_str(o, why[k]);
		any = 1;
	}
	if (any)
		lm__out_put(o, "}", 1);
	lm__out_put(o, "}}", 2);
}

static void write_json(const lm_prepost *pp, struct lm_out *o)
{
	const struct lm_instrument *inst = pp->inst;
	size_t ns = inst->n_scales;
	static const char *const count_keys[] = {"pre_rows", "post_rows", "pairs", "pre_only",
						 "post_only", "no_id", "duplicate_id", "other_wave"};
	lm__out_str(o, "{\"instrument\":");
	json_str(o, inst->id);
	json_key(o, "library_version", 0);
	json_str(o, LM_VERSION_STRING);
	json_key(o, "counts", 0);
	lm__out_put(o, "{", 1);
	for (int k = 0; k <= LM_COUNT_OTHER_WAVE; k++) {
		json_key(o, count_keys[k], k == 0);
		lm__out_count(o, pp->counts[k]);
	}
	lm__out_put(o, "}", 1);
	json_key(o, "scales", 0);
	lm__out_put(o, "{", 1);
	for (size_t s = 0; s < ns; s++) {
		const struct lm_scale *scale = &inst->scales[s];
		const struct summary *all = summary_at(pp, s, 0);
		json_key(o, scale->id, s == 0);
		static const struct field pre[] = {{"n", LM_STAT_PRE_N}, {"mean", LM_STAT_PRE_MEAN}, {"sd", LM_STAT_PRE_SD},
						   {"alpha", LM_STAT_PRE_ALPHA}, {"alpha_n", LM_STAT_PRE_ALPHA_N}};
		static const struct field post[] = {{"n", LM_STAT_POST_N}, {"mean", LM_STAT_POST_MEAN},
						    {"sd", LM_STAT_POST_SD}, {"alpha", LM_STAT_POST_ALPHA},
						    {"alpha_n", LM_STAT_POST_ALPHA_N}};
		lm__out_put(o, "{", 1);
		json_key(o, "pre", 1);
		json_stats(o, all, pre, 5);
		lm__out_put(o, "}", 1);
		json_key(o, "post", 0);
		json_stats(o, all, post, 5);
		lm__out_put(o, "}", 1);
		json_key(o, "change", 0);
		json_change(o, all);
		json_key(o, "rci", 0);
		static const struct field rci[] = {{"sd_pre", LM_STAT_RCI_SD},
						   {"reliability", LM_STAT_RCI_RELIABILITY},
						   {"sdiff", LM_STAT_RCI_SDIFF},
						   {"improved", LM_STAT_IMPROVED},
						   {"deteriorated", LM_STAT_DETERIORATED},
						   {"unchanged", LM_STAT_UNCHANGED},
						   {"recovered", LM_STAT_RECOVERED}};
		/* The sources sit beside the numbers they explain. */
		json_stats(o, all, rci, 7);
		json_key(o, "reliability_source", 0);
		json_str(o, source_name(pp->rel_source[s]));
		json_key(o, "sd_source", 0);
		json_str(o, isnan(pp->rci_sd) ? "sd_pre" : "override");
		lm__out_put(o, "}", 1);
		if (!isnan(scale->cutoff)) {
			json_key(o, "clinical_cutoff", 0);
			lm__out_number(o, scale->cutoff);
		}
		if (scale->n_bands) {
			json_key(o, "bands", 0);
			json_bands(pp, o, s);
		}
		if (pp->group_column) {
			json_key(o, "groups", 0);
			json_groups(pp, o, s);
		}
		lm__out_put(o, "}", 1);
	}
	lm__out_put(o, "}", 1);
	json_key(o, "respondents", 0);
	lm__out_put(o, "[", 1);
	for (size_t i = 0; i < pp->n_pairs; i++) {
		lm__out_put(o, i ? ",\n{" : "\n{", i ? 3 : 2);
		json_key(o, "id", 1);
		json_str(o, lm_prepost_respondent_id(pp, i));
		json_key(o, "group", 0);
		json_str(o, lm_prepost_respondent_group(pp, i));
		json_key(o, "scales", 0);
		lm__out_put(o, "{", 1);
		for (size_t s = 0; s < ns; s++) {
			const struct lm_scale *scale = &inst->scales[s];
			double a = lm_prepost_respondent_score(pp, i, s, 0), b = lm_prepost_respondent_score(pp, i, s, 1);
			struct change c = pair_change(pp, i, s);
			json_key(o, scale->id, s == 0);
			lm__out_put(o, "{", 1);
			json_key(o, "pre", 1);
			lm__out_number(o, a);
			json_key(o, "post", 0);
			lm__out_number(o, b);
			json_key(o, "change", 0);
			lm__out_number(o, b - a);
			json_key(o, "rci", 0);
			lm__out_number(o, c.rci);
			json_key(o, "reliable", 0);
			json_str(o, lm_reliable_name(c.reliable));
			json_key(o, "category", 0);
			json_str(o, lm_category_name(c.category));
			json_key(o, "band_pre", 0);
			json_str(o, band_id(scale, lm_prepost_respondent_band(pp, i, s, 0)));
			json_key(o, "band_post", 0);
			json_str(o, band_id(scale, lm_prepost_respondent_band(pp, i, s, 1)));
			lm__out_put(o, "}", 1);
		}
		lm__out_put(o, "}}", 2);
	}
	lm__out_str(o, "\n]}\n");
}

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

static void write_csv(const lm_prepost *pp, struct lm_out *o)
{
	const struct lm_instrument *inst = pp->inst;
	static const char *const cols[] = {"pre", "post", "change", "rci", "reliable", "category", "band_pre", "band_post"};
	lm__out_str(o, "id");
	if (pp->group_column)
		lm__out_str(o, ",group");
	for (size_t s = 0; s < inst->n_scales; s++)
		for (size_t c = 0; c < 8; c++) {
			if (c >= 6 && !inst->scales[s].n_bands)
				continue;
			lm__out_put(o, ",", 1);
			lm__out_str(o, inst->scales[s].id);
			lm__out_put(o, "_", 1);
			lm__out_str(o, cols[c]);
		}
	lm__out_put(o, "\n", 1);
	size_t ns = inst->n_scales;
	for (size_t i = 0; i < pp->n_pairs; i++) {
		size_t pre = (size_t)pp->pre_row[i] * ns, post = (size_t)pp->post_row[i] * ns;
		csv_text(o, pp->w[0].text.p + pp->w[0].id[pp->pre_row[i]]);
		if (pp->group_column) {
			lm__out_put_inline(o, ",", 1);
			csv_text(o, lm_prepost_respondent_group(pp, i));
		}
		for (size_t s = 0; s < ns; s++) {
			const struct lm_scale *scale = &inst->scales[s];
			double a = score_at(&pp->w[0], pre + s), b = score_at(&pp->w[1], post + s);
			struct change c = change_of(scale, a, b, pp->sdiff[s]);
			double v[4] = {a, b, b - a, c.rci};
			/* Straight into the output buffer: this runs for every scale of every pair. */
			char *p = lm__out_room(o, 4 * (1 + LM_OUT_NUMBER_MAX));
			for (int k = 0; k < 4; k++) {
				*p++ = ',';
				if (isfinite(v[k]))
					p = lm__put_number(p, v[k]);
			}
			lm__out_commit_room(o, p);
			/* The names are constants and band ids are ids (letters, digits, '_',
			 * '.', '-'): no quoting or formula guard is needed. */
			put_field(o, lm_reliable_name(c.reliable));
			put_field(o, lm_category_name(c.category));
			if (scale->n_bands) {
				put_field(o, band_id(scale, pp->w[0].band[pre + s]));
				put_field(o, band_id(scale, pp->w[1].band[post + s]));
			}
		}
		lm__out_put_inline(o, "\n", 1);
	}
}

/* "12.3" or "n/a (reason)" for the readable summary; p-values below .001 as "< 0.001". */
static void text_value(struct lm_out *o, const struct summary *s, int which)
{
	char num[32];
	if (which == LM_STAT_P && s->v[which] < 0.001) {
		lm__out_str(o, "< 0.001");
	} else if (isfinite(s->v[which])) {
		lm__out_put(o, num, lm_format_number(num, sizeof(num), round(s->v[which] * 1000) / 1000));
	} else {
		lm__out_str(o, "n/a (");
		lm__out_str(o, s->why[which] ? s->why[which] : "not computed");
		lm__out_str(o, ")");
	}
}

static void write_summary(const lm_prepost *pp, struct lm_out *o)
{
	const struct lm_instrument *inst = pp->inst;
	size_t ng = pp->groups.n;
	static const char *const count_names[] = {"pre rows", "post rows", "pairs", "pre only",
						  "post only", "no id", "duplicate id", "other wave"};
	lm__out_str(o, inst->name);
	lm__out_str(o, " (");
	lm__out_str(o, inst->id);
	lm__out_str(o, "): pre/post change\n");
	for (int k = 0; k <= LM_COUNT_OTHER_WAVE; k++) {
		char num[32];
		if (k == LM_COUNT_OTHER_WAVE && !pp->long_form)
			break;
		lm__out_str(o, k ? ", " : "");
		lm__out_str(o, count_names[k]);
		lm__out_str(o, " ");
		lm__out_put(o, num, lm_format_number(num, sizeof(num), (double)pp->counts[k]));
	}
	lm__out_str(o, "\n");
	for (size_t s = 0; s < inst->n_scales; s++) {
		const struct summary *all = summary_at(pp, s, 0);
		lm__out_str(o, "\n");
		lm__out_str(o, inst->scales[s].id);
		lm__out_str(o, ": ");
		lm__out_str(o, inst->scales[s].label);
		lm__out_str(o, "\n  pairs with both scores: ");
		text_value(o, all, LM_STAT_CHANGE_N);
		lm__out_str(o, "\n  pre mean ");
		text_value(o, all, LM_STAT_PRE_MEAN);
		lm__out_str(o, " (SD ");
		text_value(o, all, LM_STAT_PRE_SD);
		lm__out_str(o, "), post mean ");
		text_value(o, all, LM_STAT_POST_MEAN);
		lm__out_str(o, " (SD ");
		text_value(o, all, LM_STAT_POST_SD);
		lm__out_str(o, ")\n  change ");
		text_value(o, all, LM_STAT_CHANGE_MEAN);
		lm__out_str(o, ", 95% CI ");
		text_value(o, all, LM_STAT_CHANGE_CI_LOW);
		lm__out_str(o, " to ");
		text_value(o, all, LM_STAT_CHANGE_CI_HIGH);
		lm__out_str(o, "; paired t ");
		text_value(o, all, LM_STAT_T);
		lm__out_str(o, ", df ");
		text_value(o, all, LM_STAT_DF);
		lm__out_str(o, ", p ");
		text_value(o, all, LM_STAT_P);
		lm__out_str(o, "\n  effect size d_z ");
		text_value(o, all, LM_STAT_DZ);
		lm__out_str(o, ", d_av ");
		text_value(o, all, LM_STAT_DAV);
		lm__out_str(o, "\n  alpha pre ");
		text_value(o, all, LM_STAT_PRE_ALPHA);
		lm__out_str(o, " (n ");
		text_value(o, all, LM_STAT_PRE_ALPHA_N);
		lm__out_str(o, "), post ");
		text_value(o, all, LM_STAT_POST_ALPHA);
		lm__out_str(o, " (n ");
		text_value(o, all, LM_STAT_POST_ALPHA_N);
		lm__out_str(o, ")\n  reliable change (reliability ");
		text_value(o, all, LM_STAT_RCI_RELIABILITY);
		lm__out_str(o, " from ");
		lm__out_str(o, source_name(pp->rel_source[s]) ? source_name(pp->rel_source[s]) : "nowhere");
		lm__out_str(o, ", SD ");
		text_value(o, all, LM_STAT_RCI_SD);
		lm__out_str(o, isnan(pp->rci_sd) ? " of pre scores" : " given");
		lm__out_str(o, ", S_diff ");
		text_value(o, all, LM_STAT_RCI_SDIFF);
		lm__out_str(o, "): improved ");
		text_value(o, all, LM_STAT_IMPROVED);
		lm__out_str(o, ", unchanged ");
		text_value(o, all, LM_STAT_UNCHANGED);
		lm__out_str(o, ", deteriorated ");
		text_value(o, all, LM_STAT_DETERIORATED);
		lm__out_str(o, ", recovered ");
		text_value(o, all, LM_STAT_RECOVERED);
		lm__out_str(o, "\n");
		for (size_t g = 0; g < ng; g++) {
			const struct summary *gs = summary_at(pp, s, g + 1);
			lm__out_str(o, "  group ");
			lm__out_str(o, lm__names_get(&pp->groups, g));
			lm__out_str(o, ": n ");
			text_value(o, gs, LM_STAT_CHANGE_N);
			lm__out_str(o, ", change ");
			text_value(o, gs, LM_STAT_CHANGE_MEAN);
			lm__out_str(o, " (SD ");
			text_value(o, gs, LM_STAT_CHANGE_SD);
			lm__out_str(o, "), p ");
			text_value(o, gs, LM_STAT_P);
			lm__out_str(o, "\n");
		}
		if (ng == 2) {
			struct summary c;
			static const int map[] = {LM_STAT_CHANGE_MEAN, LM_STAT_T, LM_STAT_DF, LM_STAT_P, LM_STAT_DZ};
			for (int k = 0; k < 5; k++) {
				c.v[map[k]] = pp->cmp_v[s * 5 + (size_t)k];
				c.why[map[k]] = pp->cmp_reason[s * 5 + (size_t)k];
			}
			lm__out_str(o, "  difference in change (");
			lm__out_str(o, lm__names_get(&pp->groups, 0));
			lm__out_str(o, " - ");
			lm__out_str(o, lm__names_get(&pp->groups, 1));
			lm__out_str(o, ") ");
			text_value(o, &c, LM_STAT_CHANGE_MEAN);
			lm__out_str(o, "; Welch t ");
			text_value(o, &c, LM_STAT_T);
			lm__out_str(o, ", df ");
			text_value(o, &c, LM_STAT_DF);
			lm__out_str(o, ", p ");
			text_value(o, &c, LM_STAT_P);
			lm__out_str(o, ", Hedges' g ");
			text_value(o, &c, LM_STAT_DZ);
			lm__out_str(o, "\n");
		}
	}
}

/* Write, then commit, or (with @p set) stage for the set's commit. */
static int write_to(const lm_prepost *pp, int format, struct lm_out *o, lm_outputs *set, lm_error *err)
{
	if (format == LM_PREPOST_JSON)
		write_json(pp, o);
	else if (format == LM_PREPOST_CSV)
		write_csv(pp, o);
	else
		write_summary(pp, o);
	if (set)
		return lm__outputs_stage(set, o, err);
	int rc = lm__out_commit(o, err);
	lm__out_free(o);
	return rc;
}

static int check_write(const lm_prepost *pp, int format, lm_error *err)
{
	if (!pp || !pp->done)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "nothing to write: the analysis has not run");
	if (format < LM_PREPOST_JSON || format > LM_PREPOST_SUMMARY)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "unknown output format %d", format);
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
