/*
 * libra_measures — pre/post with waves: the trial's model-based numbers —
 * the baseline-adjusted arm effects ("ancova", in each scale's "groups" of
 * every later wave) and the baseline ICC ("icc_baseline", each scale, with
 * a cluster column) — computed by lm__ancova() and lm__icc_oneway()
 * (trial-stats.c) from the data lm__prepost_trial_pairs() and
 * lm__prepost_baseline_scores() give, and their places in the JSON document.
 * Definitions: doc/PREPOST.md, "Trial analysis".
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output-priv.h"
#include "prepost-keys.h"
#include "prepost-priv.h"

/* lm__ancova()'s limit on the number of arms. */
#define MAX_ARMS 15

static const char WHY_ONE_GROUP[] = "fewer than 2 groups at baseline: there are no arms to compare";
static const char WHY_MANY_GROUPS[] = "more than 15 groups: too many arms for the model";
static const char WHY_NO_MEMORY[] = "out of memory";

int lm__prepost_trial_icc(lm_prepost *pp)
{
	size_t ns = pp->inst->n_scales, nb = pp->w[0].n;
	free(pp->icc);
	pp->icc = NULL;
	if (!pp->cluster_column)
		return 1;
	pp->icc = calloc(ns, sizeof(*pp->icc));
	double *score = malloc((nb ? nb : 1) * sizeof(*score));
	size_t *cluster = malloc((nb ? nb : 1) * sizeof(*cluster));
	if (!pp->icc || !score || !cluster) {
		free(score);
		free(cluster);
		return 0;
	}
	int ok = 1;
	for (size_t s = 0; s < ns && ok; s++) {
		size_t n = lm__prepost_baseline_scores(pp, s, score, cluster), m = 0;
		/* A row without a cluster is in none: it cannot inform the ICC. */
		for (size_t i = 0; i < n; i++)
			if (cluster[i] != LM_NO_INDEX) {
				score[m] = score[i];
				cluster[m++] = cluster[i];
			}
		ok = lm__icc_oneway(m, score, cluster, pp->clusters.n, &pp->icc[s]) == 0;
	}
	free(score);
	free(cluster);
	return ok;
}

/* Scale s's ANCOVA from the data of y, baseline, arm and cluster (room for the pairs each). */
static int fit_scale(const lm_prepost *pp, size_t s, struct lm__trial_fit *f, double *y, double *baseline, size_t *arm,
		     size_t *cluster, unsigned char *seen)
{
	size_t ng = pp->groups.n, nc = pp->clusters.n, clustered = pp->cluster_column != NULL;
	size_t n = lm__prepost_trial_pairs(pp, s, y, baseline, arm, clustered ? cluster : NULL), m = 0;
	/* Pairs without an arm (a blank group) or, clustered, without a cluster are not in the model. */
	for (size_t i = 0; i < n; i++) {
		if (arm[i] == LM_NO_INDEX || (clustered && cluster[i] == LM_NO_INDEX))
			continue;
		y[m] = y[i];
		baseline[m] = baseline[i];
		arm[m] = arm[i];
		if (clustered)
			cluster[m] = cluster[i];
		m++;
	}
	f->n = m;
	f->clusters = 0;
	if (clustered) {
		memset(seen, 0, nc ? nc : 1);
		for (size_t i = 0; i < m; i++)
			if (!seen[cluster[i]]) {
				seen[cluster[i]] = 1;
				f->clusters++;
			}
	}
	const char *why = NULL;
	int rc = lm__ancova(m, y, baseline, arm, ng, pp->reference, clustered ? cluster : NULL, nc, &f->slope,
			    f->effects, &why);
	f->why = why;
	return rc == 0 || !why || strcmp(why, WHY_NO_MEMORY) != 0;
}

int lm__prepost_trial_fit(const lm_prepost *pp, struct later_wave *L)
{
	size_t ns = pp->inst->n_scales, ng = pp->groups.n, np = pp->n_pairs ? pp->n_pairs : 1;
	L->fit = calloc(ns, sizeof(*L->fit));
	if (!L->fit)
		return 0;
	if (ng < 2 || ng > MAX_ARMS) {
		for (size_t s = 0; s < ns; s++)
			L->fit[s].absent = ng < 2 ? WHY_ONE_GROUP : WHY_MANY_GROUPS;
		return 1;
	}
	L->effects = calloc(ns * ng, sizeof(*L->effects));
	double *y = malloc(np * sizeof(*y)), *baseline = malloc(np * sizeof(*baseline));
	size_t *arm = malloc(np * sizeof(*arm)), *cluster = malloc(np * sizeof(*cluster));
	unsigned char *seen = malloc(pp->clusters.n ? pp->clusters.n : 1);
	int ok = L->effects && y && baseline && arm && cluster && seen;
	for (size_t s = 0; s < ns && ok; s++) {
		L->fit[s].effects = &L->effects[s * ng];
		ok = fit_scale(pp, s, &L->fit[s], y, baseline, arm, cluster, seen);
	}
	free(y);
	free(baseline);
	free(arm);
	free(cluster);
	free(seen);
	return ok;
}

/* ---- the document ---------------------------------------------------------------------- */

static void key(struct lm_out *o, const char *k, int first)
{
	if (!first)
		lm__out_put(o, ",", 1);
	lm__out_json_string(o, k, strlen(k));
	lm__out_put(o, ":", 1);
}

static void str(struct lm_out *o, const char *s)
{
	lm__out_json_string(o, s, strlen(s));
}

/* ',"null_reasons":{"K1":"why",...}' for the keys whose why is set; nothing when none is. */
static void null_reasons(struct lm_out *o, const char *const *keys, const char *const *why, size_t n)
{
	int any = 0;
	for (size_t i = 0; i < n; i++) {
		if (!why[i])
			continue;
		if (!any) {
			key(o, LM__KEY_NULL_REASONS, 0);
			lm__out_put(o, "{", 1);
		}
		key(o, keys[i], !any);
		str(o, why[i]);
		any = 1;
	}
	if (any)
		lm__out_put(o, "}", 1);
}

/* ',"KEY":null,"null_reasons":{"KEY":why}' */
static void absent(struct lm_out *o, const char *k, const char *why)
{
	key(o, k, 0);
	lm__out_str(o, "null");
	null_reasons(o, &k, &why, 1);
}

/* An arm effect: {"estimate", "se", "t", "df", "p", "ci95": [lo, hi], "null_reasons"}. */
static const char *const effect_keys[] = {"estimate", "se", "t", "df", "p", "ci95"};
static void json_effect(struct lm_out *o, const struct lm__ancova_effect *e)
{
	const double v[] = {e->estimate, e->se, e->t, e->df, e->p};
	const char *why[6];
	lm__out_put(o, "{", 1);
	for (size_t k = 0; k < 5; k++) {
		key(o, effect_keys[k], k == 0);
		lm__out_number(o, v[k]);
		why[k] = isnan(v[k]) ? (e->why ? e->why : "not defined") : NULL;
	}
	key(o, effect_keys[5], 0);
	lm__out_put(o, "[", 1);
	lm__out_number(o, e->lo);
	lm__out_put(o, ",", 1);
	lm__out_number(o, e->hi);
	lm__out_put(o, "]", 1);
	why[5] = isnan(e->lo) || isnan(e->hi) ? (e->why ? e->why : "not defined") : NULL;
	null_reasons(o, effect_keys, why, 6);
	lm__out_put(o, "}", 1);
}

void lm__prepost_json_ancova(const lm_prepost *view, struct lm_out *o, size_t s)
{
	const struct later_wave *L = view->lent;
	if (!L || !L->fit) {
		absent(o, LM__KEY_ANCOVA, "not computed");
		return;
	}
	const struct lm__trial_fit *f = &L->fit[s];
	if (f->absent) {
		absent(o, LM__KEY_ANCOVA, f->absent);
		return;
	}
	int clustered = view->cluster_column != NULL;
	key(o, LM__KEY_ANCOVA, 0);
	lm__out_put(o, "{", 1);
	key(o, "reference", 1);
	str(o, lm__names_get(&view->groups, view->reference));
	key(o, LM__KEY_N, 0);
	lm__out_count(o, f->n);
	key(o, "baseline_slope", 0);
	lm__out_number(o, f->slope.estimate);
	key(o, "vcov", 0);
	str(o, clustered ? "CR2" : "OLS");
	key(o, "df_method", 0);
	str(o, clustered ? "Satterthwaite" : "residual");
	key(o, "clusters", 0);
	if (clustered)
		lm__out_count(o, f->clusters);
	else
		lm__out_str(o, "null");
	key(o, "effects", 0);
	lm__out_put(o, "{", 1);
	int first = 1;
	for (size_t g = 0; g < view->groups.n; g++) {
		if (g == view->reference)
			continue;
		key(o, lm__names_get(&view->groups, g), first);
		json_effect(o, &f->effects[g]);
		first = 0;
	}
	lm__out_put(o, "}", 1);
	static const char *const slope_key[] = {"baseline_slope"};
	const char *slope_why = isnan(f->slope.estimate) ? (f->why ? f->why : "not defined") : NULL;
	null_reasons(o, slope_key, &slope_why, 1);
	lm__out_put(o, "}", 1);
}

void lm__prepost_json_icc_baseline(const lm_prepost *pp, struct lm_out *o, size_t s)
{
	if (!pp->icc) {
		absent(o, LM__KEY_ICC_BASELINE, "not computed");
		return;
	}
	const struct lm__icc *c = &pp->icc[s];
	static const char *const keys[] = {"icc", "design_effect", "n0"};
	const double v[] = {c->icc, c->design_effect, c->n0};
	const char *why[3];
	key(o, LM__KEY_ICC_BASELINE, 0);
	lm__out_put(o, "{", 1);
	for (size_t k = 0; k < 3; k++) {
		key(o, keys[k], k == 0);
		lm__out_number(o, v[k]);
		why[k] = isnan(v[k]) ? (c->why ? c->why : "not defined") : NULL;
	}
	key(o, "clusters", 0);
	lm__out_count(o, c->clusters);
	key(o, LM__KEY_N, 0);
	lm__out_count(o, c->n);
	null_reasons(o, keys, why, 3);
	lm__out_put(o, "}", 1);
}

size_t lm__prepost_trial_pairs(const lm_prepost *view, size_t s, double *y, double *baseline, size_t *arm,
			       size_t *cluster)
{
	size_t ns = view->inst->n_scales, n = 0;
	const struct wave *base = &view->w[0];
	for (size_t i = 0; i < view->n_pairs; i++) {
		size_t r = view->pre_row[i];
		double a = score_at(base, r * ns + s), b = score_at(&view->w[1], (size_t)view->post_row[i] * ns + s);
		if (isnan(a) || isnan(b))
			continue;
		unsigned g = view->groups.n ? base->group[r] : 0, c = view->clusters.n ? base->cluster[r] : 0;
		if (y)
			y[n] = b;
		if (baseline)
			baseline[n] = a;
		if (arm)
			arm[n] = g ? g - 1 : LM_NO_INDEX;
		if (cluster)
			cluster[n] = c ? c - 1 : LM_NO_INDEX;
		n++;
	}
	return n;
}

size_t lm__prepost_baseline_scores(const lm_prepost *pp, size_t s, double *score, size_t *cluster)
{
	size_t ns = pp->inst->n_scales, n = 0;
	const struct wave *base = &pp->w[0];
	for (size_t r = 0; r < base->n; r++) {
		double a = score_at(base, r * ns + s);
		if (base->dup[r] || isnan(a))
			continue;
		unsigned c = pp->clusters.n ? base->cluster[r] : 0;
		if (score)
			score[n] = a;
		if (cluster)
			cluster[n] = c ? c - 1 : LM_NO_INDEX;
		n++;
	}
	return n;
}

/* ---- the getters ------------------------------------------------------------------------- */

static const char NO_SUCH[] = "no such statistic";

/* The fit of @p scale at @p wave, or NULL when the arguments name none. */
static const struct lm__trial_fit *fit_of(const lm_prepost *pp, size_t wave, size_t scale)
{
	if (!pp || !pp->done || !pp->later || wave < 1 || wave >= pp->n_waves || scale >= pp->inst->n_scales)
		return NULL;
	const struct later_wave *L = &pp->later[wave - 1];
	return L->fit ? &L->fit[scale] : NULL;
}

/* The effect @p group (LM_PREPOST_ALL_GROUPS: the slope) of @p f; NULL, with *why, when there is none. */
static const struct lm__ancova_effect *effect_of(const lm_prepost *pp, const struct lm__trial_fit *f, size_t group,
						 int which, const char **why)
{
	*why = NO_SUCH;
	if (!f || which < LM_PREPOST_ANCOVA_ESTIMATE || which > LM_PREPOST_ANCOVA_CI_HIGH)
		return NULL;
	if (group != LM_PREPOST_ALL_GROUPS && (group >= pp->groups.n || group == pp->reference))
		return NULL;
	*why = f->absent;
	if (f->absent)
		return NULL;
	return group == LM_PREPOST_ALL_GROUPS ? &f->slope : &f->effects[group];
}

static double effect_value(const struct lm__ancova_effect *e, int which)
{
	switch (which) {
	case LM_PREPOST_ANCOVA_ESTIMATE: return e->estimate;
	case LM_PREPOST_ANCOVA_SE: return e->se;
	case LM_PREPOST_ANCOVA_T: return e->t;
	case LM_PREPOST_ANCOVA_DF: return e->df;
	case LM_PREPOST_ANCOVA_P: return e->p;
	case LM_PREPOST_ANCOVA_CI_LOW: return e->lo;
	default: return e->hi;
	}
}

double lm_prepost_ancova(const lm_prepost *pp, size_t wave, size_t scale, size_t group, int which)
{
	const char *why;
	const struct lm__ancova_effect *e = effect_of(pp, fit_of(pp, wave, scale), group, which, &why);
	return e ? effect_value(e, which) : NAN;
}

const char *lm_prepost_ancova_reason(const lm_prepost *pp, size_t wave, size_t scale, size_t group, int which)
{
	const char *why;
	const struct lm__trial_fit *f = fit_of(pp, wave, scale);
	const struct lm__ancova_effect *e = effect_of(pp, f, group, which, &why);
	if (!e)
		return why;
	return isnan(effect_value(e, which)) ? (e->why ? e->why : f->why ? f->why : "not defined") : NULL;
}

size_t lm_prepost_ancova_n(const lm_prepost *pp, size_t wave, size_t scale)
{
	const struct lm__trial_fit *f = fit_of(pp, wave, scale);
	return f && !f->absent ? f->n : 0;
}

size_t lm_prepost_ancova_clusters(const lm_prepost *pp, size_t wave, size_t scale)
{
	const struct lm__trial_fit *f = fit_of(pp, wave, scale);
	return f && !f->absent ? f->clusters : 0;
}

static const struct lm__icc *icc_of(const lm_prepost *pp, size_t scale, int which)
{
	if (!pp || !pp->done || !pp->icc || scale >= pp->inst->n_scales || which < LM_PREPOST_ICC ||
	    which > LM_PREPOST_ICC_N)
		return NULL;
	return &pp->icc[scale];
}

static double icc_value(const struct lm__icc *c, int which)
{
	switch (which) {
	case LM_PREPOST_ICC: return c->icc;
	case LM_PREPOST_ICC_DESIGN_EFFECT: return c->design_effect;
	case LM_PREPOST_ICC_N0: return c->n0;
	case LM_PREPOST_ICC_CLUSTERS: return (double)c->clusters;
	default: return (double)c->n;
	}
}

double lm_prepost_icc_baseline(const lm_prepost *pp, size_t scale, int which)
{
	const struct lm__icc *c = icc_of(pp, scale, which);
	return c ? icc_value(c, which) : NAN;
}

const char *lm_prepost_icc_baseline_reason(const lm_prepost *pp, size_t scale, int which)
{
	const struct lm__icc *c = icc_of(pp, scale, which);
	if (!c)
		return pp && pp->done && !pp->icc && scale < pp->inst->n_scales && which >= LM_PREPOST_ICC &&
				       which <= LM_PREPOST_ICC_N
			       ? "no cluster column in a run with waves"
			       : NO_SUCH;
	return isnan(icc_value(c, which)) ? (c->why ? c->why : "not defined") : NULL;
}
