/*
 * libra_measures — pre/post: the statistics of a run — paired change per
 * scale overall and by group, Cronbach's alpha per wave, Jacobson–Truax
 * reliable change, and the comparison of two groups.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prepost-priv.h"

/* ---- statistics --------------------------------------------------------------------- */

/*
 * Why a statistic whose inputs were all there is still not a number: its
 * computation overflowed (item values near the largest double).
 */
static const char OVERFLOW[] = "too large to compute in double precision";

/*
 * Store statistic @p which: @p why is the reason when its inputs were not
 * there (then @p v is NaN), NULL when they were; a value that is still not
 * finite overflowed, and says so.
 */
static void put(struct summary *s, int which, double v, const char *why)
{
	if (!why && isfinite(v)) {
		s->v[which] = v;
		s->why[which] = NULL;
	} else {
		s->v[which] = NAN;
		s->why[which] = why ? why : OVERFLOW;
	}
}

static double alpha(const double *item_m2, size_t k, const struct lm_moments *total, const char **why)
{
	if (k < 2) {
		*why = "alpha needs at least 2 items";
		return NAN;
	}
	if (total->n < 2) {
		*why = "fewer than 2 rows with every item answered";
		return NAN;
	}
	double var_total = lm__moments_var(total);
	if (!(var_total > 0)) {
		*why = "zero variance of the total";
		return NAN;
	}
	if (!isfinite(var_total)) {
		*why = OVERFLOW;
		return NAN;
	}
	/* lm__moments_var() of each item, whose count is the total's. */
	double sum_var = 0;
	for (size_t i = 0; i < k; i++)
		sum_var += item_m2[i] / (double)(total->n - 1);
	*why = NULL;
	return (double)k / (double)(k - 1) * (1 - sum_var / var_total);
}

/* Running moments of the pairs of one group (or all) on one scale. */
struct change_moments {
	struct lm_moments pre, post, ch;
};

/* lm__moments_add(), inlined: the same operations, so the same results. */
static inline void moments_add(struct lm_moments *m, double x)
{
	m->n++;
	double d = x - m->mean;
	m->mean += d / (double)m->n;
	m->m2 += d * (x - m->mean);
}

static inline void moments_add_pair(struct change_moments *c, double a, double b)
{
	moments_add(&c->pre, a);
	moments_add(&c->post, b);
	moments_add(&c->ch, b - a);
}

/*
 * Accumulate the moments of every scale s and group (m[s * (n_groups + 1)]:
 * all pairs, + g: group g) in one pass over the pairs, in pair order: the
 * cost does not grow with the number of groups, and the scales' running
 * means, each a chain of divisions from pair to pair, advance side by side
 * instead of one after the other. m is zeroed.
 */
static void change_moments(const lm_prepost *pp, struct change_moments *m)
{
	size_t ns = pp->inst->n_scales, stride = pp->groups.n + 1;
	const unsigned *group = pp->groups.n ? pp->w[0].group : NULL;
	for (size_t i = 0; i < pp->n_pairs; i++) {
		size_t pre = (size_t)pp->pre_row[i] * ns, post = (size_t)pp->post_row[i] * ns;
		unsigned g = group ? group[pp->pre_row[i]] : 0;
		for (size_t s = 0; s < ns; s++) {
			double a = score_at(&pp->w[0], pre + s), b = score_at(&pp->w[1], post + s);
			if (isnan(a) || isnan(b))
				continue;
			struct change_moments *ms = &m[s * stride];
			moments_add_pair(&ms[0], a, b);
			if (g)
				moments_add_pair(&ms[g], a, b);
		}
	}
}

/* Paired change statistics from the moments of a group's (or all) pairs. */
static void change_stats(const struct change_moments *m, struct summary *out)
{
	const struct lm_moments *pre = &m->pre, *post = &m->post, *ch = &m->ch;
	const char *few = "fewer than 2 pairs with a score at both waves";
	const char *none = "no pair with a score at both waves";
	put(out, LM_PREPOST_STAT_PRE_N, (double)pre->n, NULL);
	put(out, LM_PREPOST_STAT_POST_N, (double)post->n, NULL);
	put(out, LM_PREPOST_STAT_CHANGE_N, (double)ch->n, NULL);
	put(out, LM_PREPOST_STAT_PRE_MEAN, pre->mean, pre->n ? NULL : none);
	put(out, LM_PREPOST_STAT_POST_MEAN, post->mean, post->n ? NULL : none);
	put(out, LM_PREPOST_STAT_CHANGE_MEAN, ch->mean, ch->n ? NULL : none);
	double sd_pre = lm__moments_sd(pre), sd_post = lm__moments_sd(post), sd = lm__moments_sd(ch);
	put(out, LM_PREPOST_STAT_PRE_SD, sd_pre, pre->n < 2 ? few : NULL);
	put(out, LM_PREPOST_STAT_POST_SD, sd_post, post->n < 2 ? few : NULL);
	put(out, LM_PREPOST_STAT_CHANGE_SD, sd, ch->n < 2 ? few : NULL);
	double n = (double)ch->n, df = n - 1;
	if (ch->n < 2) {
		static const int stats[] = {LM_PREPOST_STAT_CHANGE_CI_LOW, LM_PREPOST_STAT_CHANGE_CI_HIGH, LM_PREPOST_STAT_T, LM_PREPOST_STAT_DF,
					    LM_PREPOST_STAT_P, LM_PREPOST_STAT_DZ, LM_PREPOST_STAT_DAV};
		for (size_t k = 0; k < sizeof(stats) / sizeof(stats[0]); k++)
			put(out, stats[k], NAN, few);
		return;
	}
	put(out, LM_PREPOST_STAT_DF, df, NULL);
	double se = sd / sqrt(n);
	double half = lm_stat_t_quantile(0.975, df) * se;
	put(out, LM_PREPOST_STAT_CHANGE_CI_LOW, ch->mean - half, NULL);
	put(out, LM_PREPOST_STAT_CHANGE_CI_HIGH, ch->mean + half, NULL);
	/* A zero SD leaves these undefined; one that overflowed (infinite) leaves
	 * them too large to compute, not zero. */
	const char *flat = sd == 0 ? "zero variance of change" : NULL;
	double t = isfinite(se) ? ch->mean / se : NAN;
	put(out, LM_PREPOST_STAT_T, t, flat);
	put(out, LM_PREPOST_STAT_P, isfinite(t) ? lm__t_two_sided(t, df) : NAN, flat);
	put(out, LM_PREPOST_STAT_DZ, isfinite(sd) ? ch->mean / sd : NAN, flat);
	double sd_av = (sd_pre + sd_post) / 2;
	put(out, LM_PREPOST_STAT_DAV, isfinite(sd_av) ? ch->mean / sd_av : NAN,
	    sd_av == 0 ? "zero variance at both waves" : NULL);
}

/* S_diff of scale s, and the counts of reliable change into sum[0]. */
static void reliable_change(lm_prepost *pp, size_t s)
{
	const struct lm_scale *scale = &pp->inst->scales[s];
	struct summary *all = summary_at(pp, s, 0);

	/* The reliability: given, else the norms', else alpha at pre; with the
	 * true reason when none of them is between 0 and 1. */
	double r = pp->reliability;
	int source = LM_RELIABILITY_OVERRIDE;
	if (isnan(r)) {
		r = scale->norm[LM_NORM_RELIABILITY];
		source = LM_RELIABILITY_NORMS;
	}
	if (isnan(r)) {
		r = all->v[LM_PREPOST_STAT_PRE_ALPHA];
		source = LM_RELIABILITY_ALPHA_PRE;
	}
	const char *rel_why = NULL;
	if (!(r > 0 && r < 1)) {
		if (source == LM_RELIABILITY_NORMS)
			rel_why = r >= 1 ? "the reliability in the definition's norms is 1, which leaves no measurement "
					   "error: the RCI needs a reliability below 1"
					 : "the reliability in the definition's norms is 0: the RCI needs a reliability "
					   "above 0";
		else if (isnan(r))
			rel_why = "no reliability: none in the definition's norms, and alpha at pre could not be computed";
		else if (r >= 1)
			rel_why = "no reliability: none in the definition's norms, and alpha at pre is 1, which leaves "
				  "no measurement error: the RCI needs a reliability below 1";
		else
			rel_why = "no reliability: none in the definition's norms, and alpha at pre is zero or negative: "
				  "the RCI needs a reliability above 0";
		r = NAN;
		source = LM_RELIABILITY_NONE;
	}
	pp->rel_source[s] = source;
	put(all, LM_PREPOST_STAT_RCI_RELIABILITY, r, rel_why);

	/* The SD: given (never missing or zero), else that of pre scores. */
	double sd = isnan(pp->rci_sd) ? all->v[LM_PREPOST_STAT_PRE_SD] : pp->rci_sd;
	put(all, LM_PREPOST_STAT_RCI_SD, sd, isnan(sd) ? all->why[LM_PREPOST_STAT_PRE_SD] : NULL);
	const char *sd_why = NULL;
	if (isnan(sd))
		sd_why = all->why[LM_PREPOST_STAT_PRE_SD] == OVERFLOW
				 ? OVERFLOW
				 : "no SD of pre scores (fewer than 2 pairs with both scores)";
	else if (sd == 0)
		sd_why = "the SD of pre scores is zero";

	double sdiff = sqrt(2.0) * sd * sqrt(1 - r);
	put(all, LM_PREPOST_STAT_RCI_SDIFF, sdiff > 0 ? sdiff : NAN, rel_why ? rel_why : sd_why);
	/* The pairs' RCIs exist exactly when S_diff is a number. */
	sdiff = pp->sdiff[s] = all->v[LM_PREPOST_STAT_RCI_SDIFF];

	int directed = scale->direction != LM_DIRECTION_UNSPECIFIED;
	int has_cutoff = !isnan(scale->cutoff);
	unsigned long improved = 0, deteriorated = 0, unchanged = 0, recovered = 0;
	int have = directed && sdiff > 0;
	if (have)
		for (size_t i = 0; i < pp->n_pairs; i++) {
			struct change c = pair_change(pp, i, s);
			improved += c.reliable == LM_RELIABLE_IMPROVED;
			deteriorated += c.reliable == LM_RELIABLE_DETERIORATED;
			unchanged += c.reliable == LM_RELIABLE_NONE;
			recovered += c.category == LM_CATEGORY_RECOVERED;
		}
	const char *no_rci = !directed ? "the scale has no direction, so improvement is undefined"
			     : have ? NULL
				    : all->why[LM_PREPOST_STAT_RCI_SDIFF];
	put(all, LM_PREPOST_STAT_IMPROVED, have ? (double)improved : NAN, no_rci);
	put(all, LM_PREPOST_STAT_DETERIORATED, have ? (double)deteriorated : NAN, no_rci);
	put(all, LM_PREPOST_STAT_UNCHANGED, have ? (double)unchanged : NAN, no_rci);
	put(all, LM_PREPOST_STAT_RECOVERED, have && has_cutoff ? (double)recovered : NAN,
	    !has_cutoff ? "the scale defines no clinical cut-off" : no_rci);
}

/* Comparison @p k: @p x, or NaN with @p reason (as put()). */
static void put_cmp(double *v, const char **why, int k, double x, const char *reason)
{
	int ok = !reason && isfinite(x);
	v[k] = ok ? x : NAN;
	why[k] = ok ? NULL : reason ? reason : OVERFLOW;
}

static void compare_groups(lm_prepost *pp, size_t s)
{
	double *v = compare_values(pp, s);
	const char **why = compare_reasons(pp, s);
	if (pp->groups.n != 2) {
		for (int k = 0; k < LM__N_COMPARE; k++)
			put_cmp(v, why, k, NAN, "a comparison needs exactly two groups");
		return;
	}
	const struct summary *a = summary_at(pp, s, 1), *b = summary_at(pp, s, 2);
	double n0 = a->v[LM_PREPOST_STAT_CHANGE_N], n1 = b->v[LM_PREPOST_STAT_CHANGE_N];
	double m0 = a->v[LM_PREPOST_STAT_CHANGE_MEAN], m1 = b->v[LM_PREPOST_STAT_CHANGE_MEAN];
	double s0 = a->v[LM_PREPOST_STAT_CHANGE_SD], s1 = b->v[LM_PREPOST_STAT_CHANGE_SD];
	put_cmp(v, why, LM_PREPOST_COMPARE_DIFFERENCE, m0 - m1,
		!n0 || !n1 ? "a group has no pair with a score at both waves" : NULL);
	const char *reason = NULL;
	if (n0 < 2 || n1 < 2)
		reason = "each group needs at least 2 pairs with a score at both waves";
	else if (isnan(m0) || isnan(m1) || isnan(s0) || isnan(s1))
		reason = OVERFLOW; /* a group's mean or SD overflowed */
	if (reason) {
		for (int k = LM_PREPOST_COMPARE_DIFFERENCE + 1; k < LM__N_COMPARE; k++)
			put_cmp(v, why, k, NAN, reason);
		return;
	}
	const char *flat = s0 == 0 && s1 == 0 ? "zero variance of change in both groups" : NULL;
	double q0 = s0 * s0 / n0, q1 = s1 * s1 / n1;
	double t = (m0 - m1) / sqrt(q0 + q1);
	double df = (q0 + q1) * (q0 + q1) / (q0 * q0 / (n0 - 1) + q1 * q1 / (n1 - 1));
	put_cmp(v, why, LM_PREPOST_COMPARE_WELCH_T, t, flat);
	put_cmp(v, why, LM_PREPOST_COMPARE_DF, df, flat);
	put_cmp(v, why, LM_PREPOST_COMPARE_P, isfinite(t) && isfinite(df) ? lm__t_two_sided(t, df) : NAN, flat);
	double pooled = sqrt(((n0 - 1) * s0 * s0 + (n1 - 1) * s1 * s1) / (n0 + n1 - 2));
	put_cmp(v, why, LM_PREPOST_COMPARE_HEDGES_G, isfinite(pooled) ? (m0 - m1) / pooled * (1 - 3 / (4 * (n0 + n1) - 9)) : NAN,
		flat ? "zero pooled SD of change" : NULL);
}

int lm__prepost_analyse(lm_prepost *pp, lm_error *err)
{
	size_t ns = pp->inst->n_scales, ng = pp->groups.n;
	pp->sdiff = malloc(ns * sizeof(*pp->sdiff));
	pp->sum = calloc(ns * (ng + 1), sizeof(*pp->sum));
	pp->rel_source = calloc(ns, sizeof(*pp->rel_source));
	pp->cmp_v = malloc(ns * LM__N_COMPARE * sizeof(*pp->cmp_v));
	pp->cmp_reason = malloc(ns * LM__N_COMPARE * sizeof(*pp->cmp_reason));
	struct change_moments *m = calloc(ns * (ng + 1), sizeof(*m));
	if (!m || !pp->sdiff || !pp->sum || !pp->rel_source || !pp->cmp_v || !pp->cmp_reason) {
		free(m);
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	}
	change_moments(pp, m);
	for (size_t s = 0; s < ns; s++) {
		const struct lm_scale *scale = &pp->inst->scales[s];
		for (size_t g = 0; g <= ng; g++) {
			struct summary *sum = summary_at(pp, s, g);
			for (int k = 0; k < LM__N_STATS; k++)
				put(sum, k, NAN, g ? "computed for all pairs only" : "not computed");
			change_stats(&m[s * (ng + 1) + g], sum);
		}
		struct summary *all = summary_at(pp, s, 0);
		for (int k = 0; k < 2; k++) {
			const char *why;
			double a = alpha(pp->w[k].item_m2[s], scale->n_items, &pp->w[k].total_m[s], &why);
			put(all, k ? LM_PREPOST_STAT_POST_ALPHA : LM_PREPOST_STAT_PRE_ALPHA, a, why);
			put(all, k ? LM_PREPOST_STAT_POST_ALPHA_N : LM_PREPOST_STAT_PRE_ALPHA_N, (double)pp->w[k].total_m[s].n, NULL);
		}
		reliable_change(pp, s);
		compare_groups(pp, s);
	}
	free(m);
	pp->done = 1;
	return LM_OK;
}

