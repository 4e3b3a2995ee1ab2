/*
 * libra_measures — pre/post with waves: a baseline and any number of later
 * waves (lm_prepost_set_waves()). The baseline is read once; each later
 * wave is then paired with it and analysed by the very functions of a
 * two-wave run (prepost.c, prepost-stats.c), with the wave moved into the
 * place of the post wave, and its results moved out into a struct
 * later_wave afterwards. Added per later wave: the flow of each arm
 * (CONSORT counts) and the attrition per scale. The getters of a later wave
 * read a view: a copy of the analysis whose two-wave fields are that
 * wave's, so that every two-wave getter and writer serves any wave.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prepost-priv.h"

/* ---- the run ---------------------------------------------------------------------------- */

/* The per-wave results of a two-wave run, moved from @p pp into @p L (pp's are left empty). */
static void stash(lm_prepost *pp, struct later_wave *L)
{
	L->w = pp->w[1];
	memset(&pp->w[1], 0, sizeof(pp->w[1]));
	L->n_pairs = pp->n_pairs;
	L->pre_row = pp->pre_row;
	L->post_row = pp->post_row;
	L->sdiff = pp->sdiff;
	L->sum = pp->sum;
	L->rel_source = pp->rel_source;
	L->cmp_v = pp->cmp_v;
	L->cmp_reason = pp->cmp_reason;
	memcpy(L->counts, pp->counts, sizeof(L->counts));
	pp->n_pairs = 0;
	pp->pre_row = pp->post_row = NULL;
	pp->sdiff = NULL;
	pp->sum = NULL;
	pp->rel_source = NULL;
	pp->cmp_v = NULL;
	pp->cmp_reason = NULL;
}

/* Lend the results of @p L to the two-wave fields of @p pp (a view, or the first later wave's). */
static void lend(lm_prepost *pp, const struct later_wave *L)
{
	pp->lent = L;
	pp->w[1] = L->w;
	pp->n_pairs = L->n_pairs;
	pp->pre_row = L->pre_row;
	pp->post_row = L->post_row;
	pp->sdiff = L->sdiff;
	pp->sum = L->sum;
	pp->rel_source = L->rel_source;
	pp->cmp_v = L->cmp_v;
	pp->cmp_reason = L->cmp_reason;
	memcpy(pp->counts, L->counts, sizeof(pp->counts));
}

int lm__prepost_view(const lm_prepost *pp, size_t k, lm_prepost *view)
{
	if (!pp || !pp->done || k == 0 || k >= pp->n_waves)
		return 0;
	memcpy(view, pp, sizeof(*view));
	if (pp->later)
		lend(view, &pp->later[k - 1]);
	return 1;
}

/* Group number (index + 1, 0 = none) of baseline row r. */
static unsigned group_of(const lm_prepost *pp, size_t r)
{
	return pp->groups.n ? pp->w[0].group[r] : 0;
}

/* The flow of each arm from baseline to the wave in w[1] (baseline indexed, pairs made). */
static int flow(const lm_prepost *pp, struct later_wave *L)
{
	if (!pp->group_column)
		return 1;
	size_t ng = pp->groups.n;
	const struct wave *base = &pp->w[0], *w = &pp->w[1];
	unsigned long *f = L->flow = calloc((ng + 1) * LM__N_FLOW, sizeof(*f));
	if (!f)
		return 0;
	for (size_t r = 0; r < base->n; r++)
		f[group_of(pp, r) * LM__N_FLOW + LM_PREPOST_FLOW_BASELINE_ROWS]++;
	for (size_t q = 0; q < w->n; q++) {
		size_t r = lm__prepost_find(pp, base, w->text.s + w->id[q], id_len(w, q));
		if (r != LM_NO_INDEX && !base->dup[r])
			f[group_of(pp, r) * LM__N_FLOW + LM_PREPOST_FLOW_WAVE_ROWS]++;
	}
	for (size_t i = 0; i < pp->n_pairs; i++)
		f[group_of(pp, pp->pre_row[i]) * LM__N_FLOW + LM_PREPOST_FLOW_PAIRS]++;
	return 1;
}

static const char OVERFLOW[] = "too large to compute in double precision";

static void put(struct attrition *a, int k, double v, const char *why)
{
	int ok = !why && isfinite(v);
	a->v[k] = ok ? v : NAN;
	a->why[k] = ok ? NULL : why ? why : OVERFLOW;
}

/* Completers and dropouts of one scale: moments of their baseline scores, and Welch's test. */
static void attrition_stats(const struct lm_moments *c, const struct lm_moments *d, struct attrition *a)
{
	put(a, LM_PREPOST_ATTRITION_COMPLETERS_N, (double)c->n, NULL);
	put(a, LM_PREPOST_ATTRITION_DROPOUTS_N, (double)d->n, NULL);
	put(a, LM_PREPOST_ATTRITION_COMPLETERS_MEAN, c->mean, c->n ? NULL : "no completers");
	put(a, LM_PREPOST_ATTRITION_DROPOUTS_MEAN, d->mean, d->n ? NULL : "no dropouts");
	double sc = lm__moments_sd(c), sd = lm__moments_sd(d);
	put(a, LM_PREPOST_ATTRITION_COMPLETERS_SD, sc, c->n < 2 ? "fewer than 2 completers" : NULL);
	put(a, LM_PREPOST_ATTRITION_DROPOUTS_SD, sd, d->n < 2 ? "fewer than 2 dropouts" : NULL);
	const char *why = NULL;
	if (c->n < 2 || d->n < 2)
		why = "completers and dropouts each need at least 2 respondents with a baseline score";
	else if (!isfinite(sc) || !isfinite(sd) || !isfinite(c->mean) || !isfinite(d->mean))
		why = OVERFLOW;
	else if (sc == 0 && sd == 0)
		why = "zero variance of baseline scores among both completers and dropouts";
	double t = NAN, df = NAN;
	if (!why) {
		double qc = sc * sc / (double)c->n, qd = sd * sd / (double)d->n;
		t = (c->mean - d->mean) / sqrt(qc + qd);
		df = (qc + qd) * (qc + qd) / (qc * qc / (double)(c->n - 1) + qd * qd / (double)(d->n - 1));
	}
	put(a, LM_PREPOST_ATTRITION_WELCH_T, t, why);
	put(a, LM_PREPOST_ATTRITION_DF, df, why);
	put(a, LM_PREPOST_ATTRITION_P, isfinite(t) && isfinite(df) ? lm__t_two_sided(t, df) : NAN, why);
}

/*
 * The attrition of every scale at the wave in w[1]: over the baseline rows
 * whose id is found once there and that have a score on the scale, those
 * paired with a score at the wave (completers) and the others (dropouts).
 */
static int attrition(const lm_prepost *pp, struct later_wave *L)
{
	size_t ns = pp->inst->n_scales, ng = pp->groups.n;
	const struct wave *base = &pp->w[0], *w = &pp->w[1];
	uint32_t *pair_of = malloc((base->n ? base->n : 1) * sizeof(*pair_of));
	L->attr = calloc(ns, sizeof(*L->attr));
	L->attr_group = calloc(ns * (ng + 1) * 2, sizeof(*L->attr_group));
	if (!pair_of || !L->attr || !L->attr_group) {
		free(pair_of);
		return 0;
	}
	for (size_t r = 0; r < base->n; r++)
		pair_of[r] = UINT32_MAX;
	for (size_t i = 0; i < pp->n_pairs; i++)
		pair_of[pp->pre_row[i]] = (uint32_t)i;
	for (size_t s = 0; s < ns; s++) {
		struct lm_moments m[2] = {{0}};
		unsigned long *by_group = &L->attr_group[s * (ng + 1) * 2];
		for (size_t r = 0; r < base->n; r++) {
			double a = score_at(base, r * ns + s);
			if (base->dup[r] || isnan(a))
				continue;
			uint32_t i = pair_of[r];
			int dropout = i == UINT32_MAX || isnan(score_at(w, (size_t)pp->post_row[i] * ns + s));
			lm__moments_add(&m[dropout], a);
			by_group[group_of(pp, r) * 2 + (size_t)dropout]++;
		}
		attrition_stats(&m[0], &m[1], &L->attr[s]);
	}
	free(pair_of);
	return 1;
}

/* The reference group's index: the one named, else the first. */
static int find_reference(lm_prepost *pp, lm_error *err)
{
	pp->reference = 0;
	if (!pp->reference_group)
		return LM_OK;
	if (!pp->group_column)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "a reference group \"%s\" was named, but no group column",
				 pp->reference_group);
	for (size_t g = 0; g < pp->groups.n; g++)
		if (!strcmp(lm__names_get(&pp->groups, g), pp->reference_group)) {
			pp->reference = g;
			return LM_OK;
		}
	return lm__error(err, LM_EDATA, pp->w[0].name, 0, 0,
			 "the reference group \"%.40s\" is not a group of any baseline row (column \"%s\")",
			 pp->reference_group, pp->group_column);
}

int lm__prepost_finish_waves(lm_prepost *pp, const int *rc, const struct read_job *long_job, lm_error *err)
{
	size_t n = pp->n_waves;
	for (size_t k = 0; k < n; k++)
		if (rc[k] != LM_OK && rc[k] != LM_EDATA)
			return rc[k];
	/* Duplicates of every wave are reported together; each wave's index stays
	 * for its pairing, the baseline's also for the flow. */
	lm_error *dup_err = pp->duplicates == LM_DUPLICATES_ERROR ? err : NULL;
	long *dups = calloc(n, sizeof(*dups));
	if (!dups)
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	int failed = 0, any_dup = 0;
	for (size_t k = 0; k < n && !failed; k++) {
		struct wave *w = k ? &pp->later[k - 1].w : &pp->w[0];
		if (!lm__prepost_index_wave(pp, w) || (dups[k] = lm__prepost_duplicates(pp, w, pp->run_names[k], dup_err)) < 0)
			failed = 1;
		else
			any_dup |= dups[k] != 0;
	}
	long d0 = dups[0];
	if (failed) {
		free(dups);
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	}
	int bad = 0;
	for (size_t k = 0; k < n; k++)
		bad |= rc[k] != LM_OK;
	/* The counts of the first later wave, for the reconciliation of a run that fails. */
	pp->counts[LM_PREPOST_COUNT_PRE_ROWS] = pp->w[0].rows;
	pp->counts[LM_PREPOST_COUNT_POST_ROWS] = pp->later[0].w.rows;
	pp->counts[LM_PREPOST_COUNT_NO_ID] = pp->w[0].no_id + pp->later[0].w.no_id;
	pp->counts[LM_PREPOST_COUNT_DUPLICATE_ID] = (unsigned long)(d0 + dups[1]);
	if (bad || (any_dup && dup_err)) {
		free(dups);
		return LM_EDATA;
	}
	int r = find_reference(pp, err);
	if (r == LM_OK && !lm__prepost_trial_icc(pp))
		r = lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	for (size_t k = 1; k < n && r == LM_OK; k++) {
		struct later_wave *L = &pp->later[k - 1];
		pp->w[1] = L->w;
		memset(&L->w, 0, sizeof(L->w));
		pp->counts[LM_PREPOST_COUNT_PRE_ROWS] = pp->w[0].rows;
		pp->counts[LM_PREPOST_COUNT_POST_ROWS] = pp->w[1].rows;
		pp->counts[LM_PREPOST_COUNT_NO_ID] = pp->w[0].no_id + pp->w[1].no_id;
		pp->counts[LM_PREPOST_COUNT_DUPLICATE_ID] = (unsigned long)(d0 + dups[k]);
		pp->counts[LM_PREPOST_COUNT_PAIRS] = pp->counts[LM_PREPOST_COUNT_PRE_ONLY] =
			pp->counts[LM_PREPOST_COUNT_POST_ONLY] = 0;
		if (!lm__prepost_pair_up(pp)) {
			r = lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
		} else if (!pp->n_pairs) {
			/* What was compared: the baseline and this wave. */
			struct read_job job;
			const char *values[2] = {pp->run_names[0], pp->run_names[k]};
			if (long_job) {
				job = *long_job;
				job.values = values;
			}
			r = lm__prepost_no_pairs(pp, long_job ? &job : NULL, err);
		} else {
			r = lm__prepost_analyse(pp, err);
			if (r == LM_OK && (!flow(pp, L) || !attrition(pp, L) || !lm__prepost_trial_fit(pp, L)))
				r = lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
		}
		stash(pp, L);
	}
	free(dups);
	if (r != LM_OK) {
		pp->done = 0;
		return r;
	}
	/* The two-wave getters answer for baseline -> the first later wave. */
	lend(pp, &pp->later[0]);
	pp->done = 1;
	return LM_OK;
}

/* Forget any earlier run; set up the waves of this one, named @p files in diagnostics. */
int lm__prepost_waves_start(lm_prepost *pp, const char *const *files, size_t n, lm_error *err)
{
	lm__prepost_results_free(pp);
	lm__hash_key_new(&pp->key);
	pp->groups.key = pp->key;
	pp->clusters.key = pp->key;
	pp->later = calloc(n - 1, sizeof(*pp->later));
	pp->run_names = calloc(n, sizeof(*pp->run_names));
	pp->n_waves = n;
	if (!pp->later || !pp->run_names) {
		free(pp->later);
		free(pp->run_names);
		pp->later = NULL;
		pp->run_names = NULL;
		pp->n_waves = 0;
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	}
	for (size_t k = 0; k < n; k++) {
		struct wave *w = k ? &pp->later[k - 1].w : &pp->w[0];
		if (!(pp->run_names[k] = lm__strdup(pp->wave_names[k])) || !lm__prepost_wave_init(pp, w, files[k]))
			return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	}
	return LM_OK;
}

int lm_prepost_run_wave_files(lm_prepost *pp, const char *const *paths, size_t n, lm_error *err)
{
	if (!pp || !paths || n < 2 || n != pp->n_wave_names)
		return lm__error(err, LM_EINVAL, NULL, 0, 0,
				 "invalid argument to lm_prepost_run_wave_files (one file per wave named, at least 2)");
	for (size_t k = 0; k < n; k++)
		if (!paths[k])
			return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_prepost_run_wave_files");
	int rc = lm__prepost_waves_start(pp, paths, n, err);
	struct read_job *jobs = rc == LM_OK ? calloc(n, sizeof(*jobs)) : NULL;
	int *rcs = rc == LM_OK ? calloc(n, sizeof(*rcs)) : NULL;
	if (rc == LM_OK && (!jobs || !rcs))
		rc = lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	if (rc == LM_OK) {
		pp->long_form = 0;
		for (size_t k = 0; k < n; k++)
			jobs[k] = (struct read_job){.pp = pp, .path = paths[k],
						    .into = k ? &pp->later[k - 1].w : &pp->w[0], .err = err};
		/* Every file is read even when one has problems, so that all are reported. */
		lm__prepost_read_tables(pp, jobs, n, err);
		for (size_t k = 0; k < n; k++)
			rcs[k] = jobs[k].rc;
		rc = lm__prepost_finish_waves(pp, rcs, NULL, err);
	}
	free(jobs);
	free(rcs);
	return rc;
}

int lm_prepost_run_wave_long_file(lm_prepost *pp, const char *path, const char *wave_column, lm_error *err)
{
	size_t n = pp ? pp->n_wave_names : 0;
	if (!pp || !path || !wave_column || n < 2)
		return lm__error(err, LM_EINVAL, NULL, 0, 0,
				 "invalid argument to lm_prepost_run_wave_long_file (the waves must be named first)");
	const char **files = calloc(n, sizeof(*files));
	struct wave **waves = calloc(n, sizeof(*waves));
	int *rcs = calloc(n, sizeof(*rcs));
	int rc = files && waves && rcs ? LM_OK : lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	for (size_t k = 0; rc == LM_OK && k < n; k++)
		files[k] = path;
	if (rc == LM_OK)
		rc = lm__prepost_waves_start(pp, files, n, err);
	if (rc == LM_OK) {
		for (size_t k = 0; k < n; k++)
			waves[k] = k ? &pp->later[k - 1].w : &pp->w[0];
		pp->long_form = 1;
		struct read_job job = {.pp = pp, .path = path, .wave_column = wave_column,
				       .values = (const char *const *)pp->run_names, .waves = waves,
				       .n_values = n, .err = err};
		lm__prepost_read_tables(pp, &job, 1, err);
		rcs[0] = job.rc;
		rc = lm__prepost_finish_waves(pp, rcs, &job, err);
	}
	free(files);
	free(waves);
	free(rcs);
	return rc;
}

/* ---- results -------------------------------------------------------------------------- */

size_t lm_prepost_wave_count(const lm_prepost *pp)
{
	return pp && pp->done ? pp->n_waves : 0;
}

const char *lm_prepost_wave_name(const lm_prepost *pp, size_t wave)
{
	return pp && pp->done && pp->later && wave < pp->n_waves ? pp->run_names[wave] : NULL;
}

unsigned long lm_prepost_wave_tally(const lm_prepost *pp, size_t wave, int which)
{
	lm_prepost v;
	return lm__prepost_view(pp, wave, &v) ? lm_prepost_count(&v, which) : 0;
}

double lm_prepost_wave_stat(const lm_prepost *pp, size_t wave, size_t scale, size_t group, int which)
{
	lm_prepost v;
	return lm__prepost_view(pp, wave, &v) ? lm_prepost_stat(&v, scale, group, which) : NAN;
}

const char *lm_prepost_wave_stat_reason(const lm_prepost *pp, size_t wave, size_t scale, size_t group, int which)
{
	lm_prepost v;
	return lm__prepost_view(pp, wave, &v) ? lm_prepost_stat_reason(&v, scale, group, which) : "no such statistic";
}

double lm_prepost_wave_compare(const lm_prepost *pp, size_t wave, size_t scale, int which)
{
	lm_prepost v;
	return lm__prepost_view(pp, wave, &v) ? lm_prepost_compare(&v, scale, which) : NAN;
}

const char *lm_prepost_wave_compare_reason(const lm_prepost *pp, size_t wave, size_t scale, int which)
{
	lm_prepost v;
	return lm__prepost_view(pp, wave, &v) ? lm_prepost_compare_reason(&v, scale, which) : "no such statistic";
}

int lm_prepost_wave_reliability_source(const lm_prepost *pp, size_t wave, size_t scale)
{
	lm_prepost v;
	if (!lm__prepost_view(pp, wave, &v) || scale >= pp->inst->n_scales)
		return LM_INVALID_ENUM;
	return lm_prepost_reliability_source(&v, scale);
}

size_t lm_prepost_wave_respondent_count(const lm_prepost *pp, size_t wave)
{
	lm_prepost v;
	return lm__prepost_view(pp, wave, &v) ? lm_prepost_respondent_count(&v) : 0;
}

const char *lm_prepost_wave_respondent_id(const lm_prepost *pp, size_t wave, size_t r)
{
	lm_prepost v;
	return lm__prepost_view(pp, wave, &v) ? lm_prepost_respondent_id(&v, r) : NULL;
}

double lm_prepost_wave_respondent_score(const lm_prepost *pp, size_t wave, size_t r, size_t scale, int at)
{
	lm_prepost v;
	return lm__prepost_view(pp, wave, &v) ? lm_prepost_respondent_score(&v, r, scale, at) : NAN;
}

/* The later wave @p wave of a run with waves, or NULL. */
static const struct later_wave *later_of(const lm_prepost *pp, size_t wave)
{
	return pp && pp->done && pp->later && wave >= 1 && wave < pp->n_waves ? &pp->later[wave - 1] : NULL;
}

unsigned long lm_prepost_wave_flow(const lm_prepost *pp, size_t wave, size_t group, int which)
{
	const struct later_wave *L = later_of(pp, wave);
	if (!L || !L->flow || group >= pp->groups.n || which < 0 || which >= LM__N_FLOW)
		return 0;
	return L->flow[(group + 1) * LM__N_FLOW + (size_t)which];
}

double lm_prepost_attrition(const lm_prepost *pp, size_t wave, size_t scale, int which)
{
	const struct later_wave *L = later_of(pp, wave);
	if (!L || scale >= pp->inst->n_scales || which < 0 || which >= LM__N_ATTRITION)
		return NAN;
	return L->attr[scale].v[which];
}

const char *lm_prepost_attrition_reason(const lm_prepost *pp, size_t wave, size_t scale, int which)
{
	const struct later_wave *L = later_of(pp, wave);
	if (!L || scale >= pp->inst->n_scales || which < 0 || which >= LM__N_ATTRITION)
		return "no such statistic";
	return L->attr[scale].why[which];
}

unsigned long lm_prepost_attrition_group(const lm_prepost *pp, size_t wave, size_t scale, size_t group, int dropouts)
{
	const struct later_wave *L = later_of(pp, wave);
	if (!L || scale >= pp->inst->n_scales || group >= pp->groups.n || (dropouts != 0 && dropouts != 1))
		return 0;
	return L->attr_group[(scale * (pp->groups.n + 1) + group + 1) * 2 + (size_t)dropouts];
}

size_t lm_prepost_reference_group(const lm_prepost *pp)
{
	return pp && pp->done && pp->groups.n ? pp->reference : LM_PREPOST_ALL_GROUPS;
}

size_t lm_prepost_cluster_count(const lm_prepost *pp)
{
	return pp && pp->done ? pp->clusters.n : 0;
}
